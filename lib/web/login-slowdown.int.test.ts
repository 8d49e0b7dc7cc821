/**
 * The login slow-down below HTTP (lib/web/login-slowdown.ts): keyed on the connection's
 * address (PEER_HEADER, as QueueManager's web server sets it), X-Forwarded-For believed
 * only from Trusted_Proxies, a growing wait instead of a lockout, and the owner's
 * sessions and scripts unaffected while others hammer the account.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { hashPassword } from "../server/password";
import { ctx, db, errorOf, makeJob, req, routes, writeConfig } from "./api-test-harness";
import { openLocalConnection } from "./local-connection";
import { PEER_HEADER } from "./peer-header";

const OPS_PASSWORD = "ops password for the tests";
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const basicFor = (user: string, password: string) => `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;

/** A login from `peer` (the connection) with any extra headers (X-Forwarded-For...). */
const loginAs = (user: string, password: string, peer: string, headers: Record<string, string> = {}) =>
  routes.login(
    req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: user, password }), headers: { "content-type": "application/json", [PEER_HEADER]: peer, ...headers } }),
    ctx(0),
  );

beforeAll(async () => {
  // Accounts of their own, so that the administrator's slow-down stays clean for the other tests.
  for (const username of ["ops1", "ops2", "ops3", "ops4", "ops5", "ops6", "ops7", "ops8", "ops9"]) {
    await db.user.create({ data: { username, role: "admin", passwordHash: await hashPassword(OPS_PASSWORD), disabled: username === "ops9" } });
  }
});

describe("the login slow-down", () => {
  it("rotating X-Forwarded-For gives no extra attempts; the wait grows, and then the right password works (no lockout)", async () => {
    const peer = "198.51.100.77";
    for (let i = 0; i < 5; i++) expect((await loginAs("ops1", "wrong", peer, { "x-forwarded-for": `203.0.113.${i}` })).status).toBe(401);
    const limited = await loginAs("ops1", OPS_PASSWORD, peer, { "x-forwarded-for": "203.0.113.99", "x-real-ip": "203.0.113.98" });
    expect(limited.status).toBe(429);
    expect((await errorOf(limited)).message).toBe("Too many failed logins from here; wait 1 second and try again.");
    expect(limited.headers.get("retry-after")).toBe("1");
    await sleep(1100);
    expect((await loginAs("ops1", "wrong again", peer)).status).toBe(401);
    const longer = await loginAs("ops1", OPS_PASSWORD, peer);
    expect(longer.status).toBe(429);
    expect(longer.headers.get("retry-after")).toBe("2");
    await sleep(2100);
    expect((await loginAs("ops1", OPS_PASSWORD, peer)).status).toBe(200);
  });

  it("behind a proxy listed in Trusted_Proxies, X-Forwarded-For names the client; a client-written left part is ignored", async () => {
    writeConfig({ Trusted_Proxies: "10.0.0.0/8, ::1" });
    const proxy = "10.20.30.40";
    // Six clients behind the proxy, one failure each: nobody is slowed down.
    for (let i = 0; i < 6; i++) expect((await loginAs("ops2", "wrong", proxy, { "x-forwarded-for": `203.0.113.${i}` })).status).toBe(401);
    // One client behind it, whatever it writes on the left of the header: the 6th try waits.
    for (let i = 0; i < 5; i++) expect((await loginAs("ops2", "wrong", proxy, { "x-forwarded-for": `1.2.3.${i}, 192.0.2.50` })).status).toBe(401);
    expect((await loginAs("ops2", "wrong", proxy, { "x-forwarded-for": "9.9.9.9, 192.0.2.50" })).status).toBe(429);
    // The same header from a connection that is not a listed proxy counts for that connection only.
    writeConfig({ Trusted_Proxies: "" });
    for (let i = 0; i < 5; i++) expect((await loginAs("ops2", "wrong", "192.0.2.200", { "x-forwarded-for": `203.0.113.${50 + i}` })).status).toBe(401);
    expect((await loginAs("ops2", "wrong", "192.0.2.200", { "x-forwarded-for": "203.0.113.60" })).status).toBe(429);
  });

  it("an attacker hammering an account from many addresses: the session and the owner's Basic script keep working", async () => {
    const script = "192.0.2.10";
    const { job } = await makeJob("running");
    const kill = (headers: Record<string, string>) => routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers }), ctx(job.id));
    // Before the attack: the owner's script has used Basic from its machine, a browser has logged in.
    expect((await routes.list(req("/api/jobs", { headers: { authorization: basicFor("ops3", OPS_PASSWORD), [PEER_HEADER]: script } }), ctx(0))).status).toBe(200);
    const session = await loginAs("ops3", OPS_PASSWORD, "192.0.2.11");
    const cookie = session.headers.get("set-cookie")!.split(";")[0];
    const { csrfToken } = (await session.json()) as { csrfToken: string };

    const answers: number[] = [];
    for (let i = 1; i <= 40; i++) answers.push((await loginAs("ops3", `guess ${i}`, `203.0.113.${i}`)).status);
    console.log(`40 guesses from 40 addresses: ${answers.filter((s) => s === 401).length} checked (401), ${answers.filter((s) => s === 429).length} refused unchecked (429)`);
    expect(answers.slice(0, 20).every((s) => s === 401)).toBe(true);
    expect(answers.slice(21).every((s) => s === 429)).toBe(true);

    // The owner's script (an address that logged in before) and the session are not slowed.
    const scripted = await routes.list(req("/api/jobs", { headers: { authorization: basicFor("ops3", OPS_PASSWORD), [PEER_HEADER]: script } }), ctx(0));
    expect(scripted.status).toBe(200);
    expect((await kill({ cookie, "x-qm-csrf": csrfToken })).status).toBe(202);
    // A stranger, even with the right password, waits (at most 30 s) while the attack lasts.
    const stranger = await loginAs("ops3", OPS_PASSWORD, "198.51.100.200");
    expect(stranger.status).toBe(429);
    expect(Number(stranger.headers.get("retry-after"))).toBeLessThanOrEqual(30);
    expect((await errorOf(stranger)).message).toMatch(/^Too many failed logins for this account; wait \d+ seconds? and try again\.$/);
  });

  it("tries sent all at once are judged one after the other: a burst gets no more checks than tries sent one by one", async () => {
    // Before, every try of a burst passed the pace check before the first failure was
    // recorded: 400 tries sent together from one address had 288 passwords checked.
    const burst = async (user: string, peerOf: (i: number) => string, count: number) => {
      const answers = await Promise.all(Array.from({ length: count }, (_, i) => loginAs(user, `guess ${i}`, peerOf(i))));
      return answers.map((a) => a.status);
    };
    const fromOne = await burst("ops4", () => "198.51.100.90", 30);
    expect(fromOne.filter((s) => s === 401)).toHaveLength(5);
    expect(fromOne.filter((s) => s === 429)).toHaveLength(25);
    const fromMany = await burst("ops5", (i) => `203.0.113.${100 + i}`, 40);
    expect(fromMany.filter((s) => s === 401)).toHaveLength(20);
    expect(fromMany.filter((s) => s === 429)).toHaveLength(20);
    // The right password, once the wait is over, is let in.
    await sleep(1100);
    expect((await loginAs("ops4", OPS_PASSWORD, "198.51.100.90")).status).toBe(200);
  });

  it("a client naming a new user at each try is slowed down too; its accounts that logged in from there are not", async () => {
    // Before, only (client, account) and account were counted: 300 tries naming 300 users
    // from one address each cost a password check, and kept the server's checks busy for
    // 18 s (a user's Basic request waited 15 s behind them).
    const peer = "198.51.100.120";
    expect((await loginAs("ops6", OPS_PASSWORD, peer)).status).toBe(200);
    const answers: number[] = [];
    for (let i = 0; i < 35; i++) answers.push((await loginAs(`nobody${i}`, "guess", peer)).status);
    expect(answers.slice(0, 30).every((s) => s === 401)).toBe(true);
    expect(answers.slice(30).every((s) => s === 429)).toBe(true);
    const refused = await loginAs("ops1", OPS_PASSWORD, peer);
    expect(refused.status).toBe(429);
    expect((await errorOf(refused)).message).toMatch(/^Too many failed logins from here; wait \d+ seconds? and try again\.$/);
    // An account that logged in from this address before is let through.
    expect((await loginAs("ops6", OPS_PASSWORD, peer)).status).toBe(200);
    // Sent all at once from another address: 30 checks, not 60.
    const burst = await Promise.all(Array.from({ length: 60 }, (_, i) => loginAs(`someone${i}`, "guess", "198.51.100.121")));
    expect(burst.filter((a) => a.status === 401)).toHaveLength(30);
  });

  it("on this machine each account counts apart: a job's uid hammering the login from 127.0.0.1 does not slow down the operator's scripts", async () => {
    const [job, operator] = await Promise.all([openLocalConnection(61_997), openLocalConnection()]);
    const loginOn = (headers: Record<string, string>, password: string) =>
      routes.login(req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: "ops7", password }), headers: { "content-type": "application/json", ...headers } }), ctx(0));
    try {
      for (let i = 0; i < 5; i++) expect((await loginOn(job.headers, "guess")).status).toBe(401);
      expect((await loginOn(job.headers, "guess")).status).toBe(429);
      // The same address, another account of the machine (never logged in to ops7 before).
      expect((await loginOn(operator.headers, OPS_PASSWORD)).status).toBe(200);
    } finally {
      await Promise.all([job.close(), operator.close()]);
    }
  });

  it("a password change's current password is slowed down as a login of that account, and guesses at both add up", async () => {
    // Before, a stolen session could guess the current password at full speed: 12 wrong
    // ones in a row all answered 403, none counted toward the login's slow-down.
    const peer = "198.51.100.140";
    const session = await loginAs("ops8", OPS_PASSWORD, peer);
    const cookie = session.headers.get("set-cookie")!.split(";")[0];
    const { csrfToken } = (await session.json()) as { csrfToken: string };
    const change = (currentPassword: string) =>
      routes.password(
        req("/api/account/password", {
          method: "POST",
          body: JSON.stringify({ currentPassword, newPassword: OPS_PASSWORD }),
          headers: { "content-type": "application/json", cookie, "x-qm-csrf": csrfToken, [PEER_HEADER]: peer },
        }),
        ctx(0),
      );
    for (let i = 0; i < 3; i++) expect((await loginAs("ops8", `guess ${i}`, peer)).status).toBe(401);
    for (let i = 3; i < 5; i++) expect((await change(`guess ${i}`)).status).toBe(403);
    const limited = await change("guess 5");
    expect(limited.status).toBe(429);
    expect(limited.headers.get("retry-after")).toBe("1");
    expect((await errorOf(limited)).message).toBe("Too many wrong passwords from here; wait 1 second and try again.");
    // The login from there waits too, even with the right password.
    expect((await loginAs("ops8", OPS_PASSWORD, peer)).status).toBe(429);
    await sleep(1100);
    expect((await change(OPS_PASSWORD)).status).toBe(200);
  });

  it("a disabled account's right password is told the account is disabled; a wrong one learns nothing; both count as failures", async () => {
    // Before, the right password of a disabled account got "Wrong user name or password.":
    // its owner tried again and again, and could not tell that the administrator had to act.
    const peer = "198.51.100.150";
    const disabled = "The account ops9 is disabled; ask the administrator to enable it again.";
    expect(await errorOf(await loginAs("ops9", "wrong", peer))).toMatchObject({ code: "UNAUTHORIZED", message: "Wrong user name or password." });
    for (let i = 0; i < 3; i++) {
      const res = await loginAs("ops9", OPS_PASSWORD, peer);
      expect(res.status).toBe(401);
      expect((await errorOf(res)).message).toBe(disabled);
    }
    // HTTP Basic says the same.
    const scripted = await routes.list(req("/api/jobs", { headers: { authorization: basicFor("ops9", OPS_PASSWORD), [PEER_HEADER]: peer } }), ctx(0));
    expect(scripted.status).toBe(401);
    expect((await errorOf(scripted)).message).toBe(disabled);
    // Five failures from here, the right password's included: the sixth try waits.
    expect((await loginAs("ops9", OPS_PASSWORD, peer)).status).toBe(429);
  });

  it("every loopback address is this machine: a job taking a new 127.x address at each try is slowed as one client", async () => {
    // Addresses only, no socket of ours behind them: as for a job that closes its
    // connection at once, whose account can then not be read.
    for (let i = 2; i < 7; i++) expect((await loginAs("ops6", "guess", `127.0.0.${i}`)).status).toBe(401);
    const next = await loginAs("ops6", "guess", "127.0.0.7");
    expect(next.status).toBe(429);
    expect((await errorOf(next)).message).toMatch(/from here/);
  });
});

