/**
 * First setup and login against a hostile network (app/api/auth/setup, login):
 * a DNS-rebinding page (foreign Host with a matching Origin) is refused, and setup from
 * another machine, or from another account of this one (a job's), needs the one-time
 * token printed in the server log. Connections "from this machine" are real loopback
 * sockets, whose owner the kernel's tables tell (local-connection.ts).
 */
import { beforeEach, describe, expect, it, vi } from "vitest";
import { PASSWORD, ctx, db, errorOf, req, routes, writeConfig } from "./api-test-harness";
import { openLocalConnection } from "./local-connection";
import { PEER_HEADER } from "./peer-header";

const json = { "content-type": "application/json" };
const setup = (body: object, headers: Record<string, string>) =>
  routes.setup(req("/api/auth/setup", { method: "POST", body: JSON.stringify(body), headers: { ...json, ...headers } }), ctx(0));
const sessionFor = async (headers: Record<string, string>) =>
  (await (await routes.session(req("/api/auth/session", { headers }), ctx(0))).json()) as { setupNeeded: boolean; setupTokenRequired: boolean };

beforeEach(async () => {
  await db.session.deleteMany();
  await db.user.deleteMany();
});

describe("first setup", () => {
  it("is refused to a DNS-rebinding page: Host rebind.attacker.example with a matching Origin, even from this machine", async () => {
    const rebinding = { host: "rebind.attacker.example:8000", origin: "http://rebind.attacker.example:8000", [PEER_HEADER]: "127.0.0.1" };
    const res = await setup({ username: "mallory", password: "mallory's password" }, rebinding);
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toMatch(/does not answer to the name "rebind.attacker.example".*DNS rebinding/);
    expect(await db.user.count()).toBe(0);
    const login = await routes.login(req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: "admin", password: PASSWORD }), headers: { ...json, ...rebinding } }), ctx(0));
    expect(login.status).toBe(403);
    // Under the server's own names (an IP address, localhost), from this machine as the
    // web server's account: no token needed.
    const operator = await openLocalConnection();
    try {
      expect(await sessionFor(operator.headers)).toMatchObject({ setupNeeded: true, setupTokenRequired: false });
      const local = await setup({ username: "admin", password: PASSWORD }, { host: "localhost:8000", origin: "http://localhost:8000", ...operator.headers });
      expect(local.status).toBe(201);
    } finally {
      await operator.close();
    }
  });

  it("from another machine needs the one-time token of the server log; the token works once", async () => {
    const remote = { [PEER_HEADER]: "192.0.2.33" };
    const logged = vi.spyOn(console, "log");
    expect(await sessionFor(remote)).toMatchObject({ setupNeeded: true, setupTokenRequired: true });
    const line = logged.mock.calls.map((c) => String(c[0])).find((l) => l.startsWith("[setup]"));
    logged.mockRestore();
    const token = /setup token: (\S+)$/.exec(line ?? "")?.[1];
    expect(token, "the [setup] line of the server log").toBeTruthy();

    const without = await setup({ username: "admin", password: PASSWORD }, remote);
    expect(without.status).toBe(403);
    expect(await errorOf(without)).toMatchObject({ code: "FORBIDDEN", details: { token: "enter the one-time token printed in the web server's log (the line starting with [setup])" } });
    const wrong = await setup({ username: "admin", password: PASSWORD, token: "guessed" }, remote);
    expect(wrong.status).toBe(403);
    expect(await db.user.count()).toBe(0);
    expect((await setup({ username: "admin", password: PASSWORD, token }, remote)).status).toBe(201);
    expect(await db.user.count()).toBe(1);
  });

  it("through a reverse proxy on this machine that is not in Trusted_Proxies, the request counts as remote", async () => {
    const viaProxy = { [PEER_HEADER]: "127.0.0.1", "x-forwarded-for": "203.0.113.9" };
    expect(await sessionFor(viaProxy)).toMatchObject({ setupTokenRequired: true });
    expect((await setup({ username: "admin", password: PASSWORD }, viaProxy)).status).toBe(403);
    expect(await db.user.count()).toBe(0);
  });

  it("through a reverse proxy on this machine listed in Trusted_Proxies needs the token, even when the proxy runs as root", async () => {
    // The proxy's own socket is root's (this process's): the local client it forwards
    // (X-Forwarded-For 127.0.0.1) could be any account's, a job's included.
    writeConfig({ Trusted_Proxies: "127.0.0.1" });
    const proxy = await openLocalConnection();
    try {
      const forwarded = { ...proxy.headers, "x-forwarded-for": "127.0.0.1" };
      expect(await sessionFor(forwarded)).toMatchObject({ setupNeeded: true, setupTokenRequired: true });
      expect((await setup({ username: "mallory", password: "mallory's password" }, forwarded)).status).toBe(403);
      expect(await db.user.count()).toBe(0);
    } finally {
      await proxy.close();
      writeConfig({ Trusted_Proxies: "" });
    }
  });

  it("from this machine as another account (a job's uid) needs the token too; a loopback address whose socket cannot be found is not trusted", async () => {
    const job = await openLocalConnection(61_999);
    try {
      expect(await sessionFor(job.headers)).toMatchObject({ setupNeeded: true, setupTokenRequired: true });
      const refused = await setup({ username: "mallory", password: "mallory's password" }, job.headers);
      expect(refused.status).toBe(403);
      expect((await errorOf(refused)).message).toMatch(/an account of this machine other than the web server's.*a job's.*\[setup\]/);
      expect(await db.user.count()).toBe(0);
    } finally {
      await job.close();
    }
    // A job's connection that has left by the time it is judged, made from 127.0.0.2 with
    // the server's own port as its port: the only live socket with those two ports is then
    // the server's end, the web server's own account's.
    const left = await openLocalConnection(61_999, true);
    try {
      expect(await sessionFor(left.headers)).toMatchObject({ setupNeeded: true, setupTokenRequired: true });
      expect((await setup({ username: "mallory", password: "mallory's password" }, left.headers)).status).toBe(403);
      expect(await db.user.count()).toBe(0);
    } finally {
      await left.close();
    }
    // An address alone (no connection of ours behind it) is not enough.
    expect(await sessionFor({ [PEER_HEADER]: "127.0.0.1" })).toMatchObject({ setupTokenRequired: true });
    expect((await setup({ username: "mallory", password: "mallory's password" }, { [PEER_HEADER]: "127.0.0.1" })).status).toBe(403);
    expect(await db.user.count()).toBe(0);
  });
});
