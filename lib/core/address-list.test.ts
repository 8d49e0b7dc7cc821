import { describe, expect, it } from "vitest";
import { addressInList, parseAddress, parseAddressList } from "./address-list";

describe("address lists (Trusted_Proxies)", () => {
  it("matches single addresses and networks, IPv4 and IPv6", () => {
    const { ranges, errors } = parseAddressList("127.0.0.1, 10.0.0.0/8 ::1  fd00::/8");
    expect(errors).toEqual([]);
    expect(addressInList("127.0.0.1", ranges)).toBe(true);
    expect(addressInList("127.0.0.2", ranges)).toBe(false);
    expect(addressInList("10.200.3.4", ranges)).toBe(true);
    expect(addressInList("11.0.0.1", ranges)).toBe(false);
    expect(addressInList("::1", ranges)).toBe(true);
    expect(addressInList("fd12:3456::1", ranges)).toBe(true);
    expect(addressInList("fe80::1", ranges)).toBe(false);
  });

  it("treats IPv4-mapped IPv6 socket addresses as IPv4", () => {
    const { ranges } = parseAddressList("192.168.1.0/24");
    expect(addressInList("::ffff:192.168.1.77", ranges)).toBe(true);
    expect(addressInList("::ffff:192.168.2.77", ranges)).toBe(false);
    expect(parseAddress("::ffff:c0a8:14d")).toEqual(parseAddress("192.168.1.77"));
  });

  it("reports what it cannot read, and matches nothing on garbage", () => {
    expect(parseAddressList("10.0.0.0/33, 300.1.1.1, host.lab, 1::2::3, 10.0.0.1").errors).toEqual(["10.0.0.0/33", "300.1.1.1", "host.lab", "1::2::3"]);
    expect(addressInList("unknown", parseAddressList("0.0.0.0/0").ranges)).toBe(false);
    expect(parseAddressList("").ranges).toEqual([]);
  });
});
