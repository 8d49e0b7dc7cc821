import { beforeAll, describe, expect, it } from "vitest";
import { clientAddress, isLocalRequest } from "./client-address";
import { hostNameOf } from "./host-check";
import { PEER_HEADER, trustPeerHeader } from "./peer-header";

const request = (peer: string, headers: Record<string, string> = {}) => new Request("http://127.0.0.1:8000/", { headers: { [PEER_HEADER]: peer, ...headers } });

beforeAll(() => trustPeerHeader());

describe("clientAddress", () => {
  it("is the connection's address; X-Forwarded-For and X-Real-IP are ignored without Trusted_Proxies", () => {
    expect(clientAddress(request("192.0.2.1", { "x-forwarded-for": "203.0.113.5", "x-real-ip": "203.0.113.6" }), [])).toBe("192.0.2.1");
    expect(clientAddress(request("192.0.2.1", { "x-forwarded-for": "203.0.113.5" }), ["10.0.0.0/8"])).toBe("192.0.2.1");
  });

  it("behind trusted proxies, is the right-most address of X-Forwarded-For that is not a trusted proxy", () => {
    const trusted = ["10.0.0.0/8", "::1"];
    expect(clientAddress(request("10.1.1.1", { "x-forwarded-for": "203.0.113.5" }), trusted)).toBe("203.0.113.5");
    expect(clientAddress(request("10.1.1.1", { "x-forwarded-for": "6.6.6.6, 203.0.113.5, 10.2.2.2" }), trusted)).toBe("203.0.113.5");
    // A trusted proxy on this machine (::1) is believed only from its account, which a bare
    // address cannot tell (a real connection's: proxy-user.int.test.ts).
    expect(clientAddress(request("::1", { "x-forwarded-for": "2001:db8::7" }), trusted, ["www-data"])).toBe("::1");
    // Garbage on the way: what lies left of it was written by the client; the nearest proxy counts.
    expect(clientAddress(request("10.1.1.1", { "x-forwarded-for": "203.0.113.5, not-an-ip, 10.2.2.2" }), trusted)).toBe("10.2.2.2");
    expect(clientAddress(request("10.1.1.1"), trusted)).toBe("10.1.1.1");
  });
});

describe("isLocalRequest", () => {
  it("is a loopback connection that forwards nobody else", () => {
    expect(isLocalRequest(request("127.0.0.1"), [])).toBe(true);
    expect(isLocalRequest(request("::ffff:127.0.0.1", { "x-forwarded-for": "::ffff:127.0.0.1" }), [])).toBe(true); // Next's own header
    expect(isLocalRequest(request("127.0.0.1", { "x-forwarded-for": "203.0.113.9" }), [])).toBe(false); // a local proxy
    expect(isLocalRequest(request("127.0.0.1", { forwarded: "for=203.0.113.9" }), [])).toBe(false);
    expect(isLocalRequest(request("192.0.2.1"), [])).toBe(false);
    expect(isLocalRequest(request("127.0.0.1", { "x-forwarded-for": "203.0.113.9" }), ["127.0.0.1"])).toBe(false);
    expect(isLocalRequest(request("127.0.0.1", { "x-forwarded-for": "127.0.0.1" }), ["127.0.0.1"])).toBe(true);
  });
});

describe("hostNameOf", () => {
  it("drops the port and IPv6 brackets", () => {
    expect(hostNameOf("Compute.Lab.org:8000")).toBe("compute.lab.org");
    expect(hostNameOf("[::1]:8000")).toBe("::1");
    expect(hostNameOf("127.0.0.1")).toBe("127.0.0.1");
    expect(hostNameOf("rebind.attacker.example")).toBe("rebind.attacker.example");
  });
});
