import os from "node:os";
import { describe, expect, it } from "vitest";
import { fullNameIn, machineName } from "./machine-name";
import { isWildcardHost, webUrlOf } from "./web-address";

describe("the base of the links in mails", () => {
  it("names the machine when Host is every address (0.0.0.0, ::), which no reader can open", () => {
    const machine = () => "compute.lab.org";
    for (const host of ["0.0.0.0", "::", "[::]", "0:0:0:0:0:0:0:0", "::ffff:0.0.0.0"]) {
      expect(webUrlOf({ host, port: 8000 }, machine), host).toBe("http://compute.lab.org:8000");
    }
  });

  it("keeps any other Host as written, an IPv6 address in brackets", () => {
    const machine = () => "compute.lab.org";
    expect(webUrlOf({ host: "127.0.0.1", port: 8000 }, machine)).toBe("http://127.0.0.1:8000");
    expect(webUrlOf({ host: "qm.lab.org", port: 80 }, machine)).toBe("http://qm.lab.org:80");
    expect(webUrlOf({ host: "::1", port: 8000 }, machine)).toBe("http://[::1]:8000");
    expect(webUrlOf({ host: "0.0.0.1", port: 8000 }, machine)).toBe("http://0.0.0.1:8000");
    expect(isWildcardHost("localhost")).toBe(false);
  });

  it("by default names this machine as os.hostname() or its full name", () => {
    const url = new URL(webUrlOf({ host: "0.0.0.0", port: 8000 }));
    expect(url.hostname).toBe(machineName());
    expect(machineName() === os.hostname().toLowerCase() || machineName().startsWith(`${os.hostname().toLowerCase()}.`)).toBe(true);
  });

  it("takes the full name from /etc/hosts, never another machine's", () => {
    const hosts = "127.0.0.1 localhost\n# 10.0.0.9 compute.old.org compute\n127.0.1.1\tCompute.Lab.org compute\n10.0.0.2 other.lab.org other compute-2\n";
    expect(fullNameIn(hosts, "compute")).toBe("compute.lab.org");
    expect(fullNameIn(hosts, "other")).toBe("other.lab.org");
    expect(fullNameIn(hosts, "compute-2")).toBeNull(); // listed, but under another machine's name
    expect(fullNameIn("127.0.0.1 localhost vm\n", "vm")).toBeNull();
  });
});
