import { describe, expect, it } from "vitest";
import { clientKeyOf, inRange, isLoopback, parseIp, parseRange, parseRangeList } from "./ip-address";

const hex = (b: Uint8Array | null) => (b ? Buffer.from(b).toString("hex") : null);

describe("parseIp", () => {
  it("reads IPv4 as IPv4-mapped IPv6, and every IPv6 spelling", () => {
    expect(hex(parseIp("10.1.2.3"))).toBe("00000000000000000000ffff0a010203");
    expect(hex(parseIp("::ffff:10.1.2.3"))).toBe(hex(parseIp("10.1.2.3")));
    expect(hex(parseIp("::1"))).toBe("00000000000000000000000000000001");
    expect(hex(parseIp("[2001:db8::8a2e:370:7334]"))).toBe("20010db80000000000008a2e03707334");
    expect(hex(parseIp("fe80::1%eth0"))).toBe("fe800000000000000000000000000001");
    expect(hex(parseIp("1:2:3:4:5:6:7:8"))).toBe("00010002000300040005000600070008");
  });

  it("refuses what is not an address", () => {
    for (const bad of ["", "256.1.1.1", "1.2.3", "localhost", "1::2::3", "1:2:3:4:5:6:7:8:9", "12345::", "1:2:3:4:5:6:7::8", "unknown"]) {
      expect(parseIp(bad), bad).toBeNull();
    }
  });
});

describe("ranges", () => {
  it("matches CIDR ranges of both families and single addresses", () => {
    const inside = (address: string, range: string) => inRange(parseIp(address)!, parseRange(range)!);
    expect(inside("10.200.3.4", "10.0.0.0/8")).toBe(true);
    expect(inside("11.0.0.1", "10.0.0.0/8")).toBe(false);
    expect(inside("192.168.1.77", "192.168.1.64/27")).toBe(true);
    expect(inside("192.168.1.96", "192.168.1.64/27")).toBe(false);
    expect(inside("::ffff:10.0.0.1", "10.0.0.0/8")).toBe(true);
    expect(inside("2001:db8:1::5", "2001:db8::/32")).toBe(true);
    expect(inside("2001:db9::5", "2001:db8::/32")).toBe(false);
    expect(inside("127.0.0.1", "127.0.0.1")).toBe(true);
    expect(inside("127.0.0.2", "127.0.0.1")).toBe(false);
    expect(inside("1.2.3.4", "0.0.0.0/0")).toBe(true);
  });

  it("parses Trusted_Proxies and names the entries that are not addresses", () => {
    const { ranges, invalid } = parseRangeList(" 127.0.0.1, 10.0.0.0/8 ::1,proxy.lab.org, 10.0.0.0/33");
    expect(ranges).toHaveLength(3);
    expect(invalid).toEqual(["proxy.lab.org", "10.0.0.0/33"]);
    expect(parseRangeList("")).toEqual({ ranges: [], invalid: [] });
  });
});

describe("client keys", () => {
  it("knows loopback addresses", () => {
    for (const a of ["127.0.0.1", "127.8.9.10", "::1", "::ffff:127.0.0.1"]) expect(isLoopback(a), a).toBe(true);
    for (const a of ["10.0.0.1", "::2", "unknown", "128.0.0.1"]) expect(isLoopback(a), a).toBe(false);
  });

  it("counts IPv4 by address and IPv6 by /64", () => {
    expect(clientKeyOf("::ffff:10.1.2.3")).toBe("10.1.2.3");
    expect(clientKeyOf("2001:db8:0:1::a")).toBe(clientKeyOf("2001:db8:0:1:ffff:ffff:ffff:ffff"));
    expect(clientKeyOf("2001:db8:0:1::a")).not.toBe(clientKeyOf("2001:db8:0:2::a"));
    expect(clientKeyOf("unknown")).toBe("unknown");
  });
});
