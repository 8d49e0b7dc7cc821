/**
 * A lab's members below HTTP (lib/web/api-test-harness.ts): accounts made and deleted by the
 * admin, jobs owned by who submitted them, owners acting on their own jobs only, the
 * Require_Login matrix, personal API tokens, own password, and the trusted proxy header.
 */
import path from "node:path";
import { describe, expect, it } from "vitest";
import { jobZip } from "../server/zip/zip-fixtures";
import { readJobsVersion } from "../server/store/jobs-version";
import { BASE, type Handler, USER_PASSWORD, basic, basicAs, ctx, db, errorOf, login, makeJob, req, restartWebServer, routes, store, writeConfig } from "./api-test-harness";
import { uidsOfAccounts } from "../server/system-accounts";
import { openLocalConnection } from "./local-connection";
import { PEER_HEADER } from "./peer-header";

const jsonBody = (method: string, body: unknown, headers: Record<string, string> = {}) => ({
  method,
  body: JSON.stringify(body),
  headers: { "content-type": "application/json", ...headers },
});

function submitRequest(headers: Record<string, string>, fields: Record<string, string> = {}, cfg?: string) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(jobZip({ folder: `job-${Math.random().toString(36).slice(2, 8)}`, cfg }))]), "job.zip");
  return req("/api/jobs", { method: "POST", body: form as unknown as BodyInit, headers });
}

const NO_EMAIL_CFG = "[QMOptions]\nscript : sh run.sh\n";

describe("accounts", () => {
  it("the admin creates, lists and disables users; users and visitors may not", async () => {
    const anon = await routes.users(req("/api/users"), ctx(0));
    expect(anon.status).toBe(401);
    expect((await routes.users(req("/api/users", { headers: basicAs("ann") }), ctx(0))).status).toBe(403);
    const created = await routes.createUser(req("/api/users", jsonBody("POST", { username: "carol", email: "carol@lab.org", role: "user", password: "carol-secret-1" }, basic())), ctx(0));
    expect(created.status).toBe(201);
    const { user } = (await created.json()) as { user: { id: number; username: string; role: string } };
    expect(user).toMatchObject({ username: "carol", role: "user", disabled: false });
    const again = await routes.createUser(req("/api/users", jsonBody("POST", { username: "carol", password: "carol-secret-1" }, basic())), ctx(0));
    expect(again.status).toBe(409);
    // Carol would be another person told from carol by case alone (Run_As compares names as written).
    const cased = await routes.createUser(req("/api/users", jsonBody("POST", { username: "Carol", password: "carol-secret-1" }, basic())), ctx(0));
    expect(cased.status).toBe(409);
    expect(await errorOf(cased)).toMatchObject({ details: { username: "there is already a user named carol, the same name in another case; choose another name" } });
    const bad = await routes.createUser(req("/api/users", jsonBody("POST", { username: "no spaces", email: "nope", password: "short" }, basic())), ctx(0));
    expect(bad.status).toBe(400);
    expect(Object.keys((await errorOf(bad)).details ?? {}).sort()).toEqual(["email", "password", "username"]);

    expect((await routes.kill(req("/api/jobs/1/kill", { method: "POST", headers: basic("carol-secret-1", "carol") }), ctx(1))).status).toBe(404);
    const off = await routes.updateUser(req(`/api/users/${user.id}`, jsonBody("PATCH", { disabled: true }, basic())), ctx(user.id));
    expect(off.status).toBe(200);
    expect((await routes.kill(req("/api/jobs/1/kill", { method: "POST", headers: basic("carol-secret-1", "carol") }), ctx(1))).status).toBe(401);
    const list = (await (await routes.users(req("/api/users", { headers: basic() }), ctx(0))).json()) as { users: { username: string; disabled: boolean }[] };
    expect(list.users.find((u) => u.username === "carol")).toMatchObject({ disabled: true });
    await db.user.delete({ where: { id: user.id } });
  });

  it("counts each account's jobs as ownership reads them: submitted ones, and account-less ones with its e-mail in any case; deleted ones not", async () => {
    const ann = await db.user.findUniqueOrThrow({ where: { username: "ann" } });
    const counts = async () =>
      Object.fromEntries(((await (await routes.users(req("/api/users", { headers: basic() }), ctx(0))).json()) as { users: { username: string; jobs: number }[] }).users.map((u) => [u.username, u.jobs]));
    const before = await counts();
    await makeJob("done"); // a dropped folder with e_mail ann@lab.org
    await makeJob("failed", {}, { owner: " ANN@Lab.org" });
    const { job: submitted } = await makeJob("queued");
    await db.job.update({ where: { id: submitted.id }, data: { userId: ann.id, owner: "group@lab.org" } });
    const { job: gone } = await makeJob("done");
    await db.job.update({ where: { id: gone.id }, data: { state: "deleted" } });
    await makeJob("done", {}, { owner: "bob@lab.org" });
    expect(await counts()).toMatchObject({ ann: before.ann + 3, bob: before.bob + 1 });
    // The answer to an edit counts the same way.
    const edited = await routes.updateUser(req(`/api/users/${ann.id}`, jsonBody("PATCH", { email: "ann@lab.org" }, basic())), ctx(ann.id));
    expect(((await edited.json()) as { user: { jobs: number } }).user.jobs).toBe(before.ann + 3);
  });

  it("an e-mail is cleared by null as by \"\" (null is how the list shows none), and an account may be made with null", async () => {
    const made = await routes.createUser(req("/api/users", jsonBody("POST", { username: "nomail", email: null, password: "nomail-secret-1" }, basic())), ctx(0));
    expect(made.status).toBe(201);
    const { user } = (await made.json()) as { user: { id: number; email: string | null } };
    expect(user.email).toBeNull();
    await routes.updateUser(req(`/api/users/${user.id}`, jsonBody("PATCH", { email: "nomail@lab.org" }, basic())), ctx(user.id));
    const cleared = await routes.updateUser(req(`/api/users/${user.id}`, jsonBody("PATCH", { email: null }, basic())), ctx(user.id));
    expect(cleared.status).toBe(200);
    expect(((await cleared.json()) as { user: { email: string | null } }).user.email).toBeNull();
  });

  it("an e-mail is one account's, whatever its case: another's is refused with 409, one's own kept", async () => {
    // A folder job's e_mail makes it that account's: a second account with it would act on the first one's jobs.
    const ann = await db.user.findUniqueOrThrow({ where: { username: "ann" } });
    const bob = await db.user.findUniqueOrThrow({ where: { username: "bob" } });
    const create = (email: string) => routes.createUser(req("/api/users", jsonBody("POST", { username: "carol", email, password: "carol-secret-1" }, basic())), ctx(0));
    const patch = (id: number, change: Record<string, unknown>) => routes.updateUser(req(`/api/users/${id}`, jsonBody("PATCH", change, basic())), ctx(id));
    try {
      for (const email of ["ann@lab.org", "ANN@Lab.org"]) {
        const refused = await create(email);
        expect(refused.status, email).toBe(409);
        expect(await errorOf(refused)).toMatchObject({ code: "CONFLICT", details: { email: "another account, ann, has this e-mail" } });
      }
      expect(await db.user.findUnique({ where: { username: "carol" } })).toBeNull();
      const taken = await patch(bob.id, { email: "ANN@lab.org" });
      expect(taken.status).toBe(409);
      expect((await errorOf(taken)).message).toMatch(/^Another account, ann, has the e-mail ann@lab\.org/);
      expect(await db.user.findUniqueOrThrow({ where: { id: bob.id } })).toMatchObject({ email: "bob@lab.org" });

      for (const email of ["ann@lab.org", "Ann@Lab.org", "ann@lab.org"]) expect((await patch(ann.id, { email })).status, email).toBe(200);
      const carol = await create("carol@lab.org");
      expect(carol.status).toBe(201);
      await db.user.delete({ where: { username: "carol" } });

      // Accounts that shared an e-mail before the rule keep it, and can still be edited.
      await db.user.update({ where: { id: bob.id }, data: { email: "ann@lab.org" } });
      expect((await patch(bob.id, { role: "user" })).status).toBe(200);
      expect((await patch(bob.id, { email: "ANN@lab.org" })).status).toBe(200);
    } finally {
      await db.user.deleteMany({ where: { username: "carol" } });
      await db.user.update({ where: { id: ann.id }, data: { email: "ann@lab.org" } });
      await db.user.update({ where: { id: bob.id }, data: { email: "bob@lab.org" } });
    }
  });

  it("the last enabled administrator cannot be disabled or demoted", async () => {
    const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
    for (const change of [{ disabled: true }, { role: "user" }]) {
      const res = await routes.updateUser(req(`/api/users/${admin.id}`, jsonBody("PATCH", change, basic())), ctx(admin.id));
      expect(res.status).toBe(409);
    }
    expect(await db.user.findUniqueOrThrow({ where: { id: admin.id } })).toMatchObject({ role: "admin", disabled: false });
  });

  it("a user changes their own password: the wrong current one is refused, their other sessions end", async () => {
    const first = await login("bob");
    const second = await login("bob");
    const wrong = await routes.password(req("/api/account/password", jsonBody("POST", { currentPassword: "guess", newPassword: "bob-new-password" }, { cookie: first.cookie, "x-qm-csrf": first.csrf, origin: BASE })), ctx(0));
    expect(wrong.status).toBe(403);
    const ok = await routes.password(req("/api/account/password", jsonBody("POST", { currentPassword: USER_PASSWORD, newPassword: "bob-new-password" }, { cookie: first.cookie, "x-qm-csrf": first.csrf, origin: BASE })), ctx(0));
    expect(ok.status).toBe(200);
    const who = async (cookie: string) => ((await (await routes.session(req("/api/auth/session", { headers: { cookie } }), ctx(0))).json()) as { user: { username: string } | null }).user;
    expect(await who(first.cookie)).toMatchObject({ username: "bob" });
    expect(await who(second.cookie)).toBeNull();
    const bob = await db.user.findUniqueOrThrow({ where: { username: "bob" } });
    await routes.updateUser(req(`/api/users/${bob.id}`, jsonBody("PATCH", { password: USER_PASSWORD }, basic())), ctx(bob.id));
    expect(await who(first.cookie)).toBeNull(); // a reset by the admin ends every session
  });
});

describe("deleting an account", () => {
  // The route as the harness loads its neighbours: once the harness has set the environment up.
  const deleteRoute = async (): Promise<Handler> => (await import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../../app/api/users/[id]/route.ts"))).DELETE;
  const del = async (id: number, headers: Record<string, string> = basic()) => (await deleteRoute())(req(`/api/users/${id}`, { method: "DELETE", headers }), ctx(id));
  const make = async (username: string, role = "user", email: string | null = `${username}@lab.org`) => {
    const made = await routes.createUser(req("/api/users", jsonBody("POST", { username, email, role, password: `${username}-secret-1` }, basic())), ctx(0));
    expect(made.status).toBe(201);
    return ((await made.json()) as { user: { id: number } }).user.id;
  };
  const messageOf = async (res: Response) => ({ status: res.status, ...(await errorOf(res)) });

  it("the admin deletes an account whose jobs have all finished: its sessions and tokens go, its jobs stay without an account", async () => {
    const id = await make("carol");
    try {
      const session = await login("carol", "carol-secret-1");
      const made = await routes.createToken(req("/api/account/tokens", jsonBody("POST", { name: "laptop" }, basic("carol-secret-1", "carol"))), ctx(0));
      const { token } = (await made.json()) as { token: { token: string } };
      const { job: done } = await makeJob("done", {}, { owner: "carol@lab.org" });
      const { job: failed } = await makeJob("failed", {}, { owner: "group@lab.org" });
      await db.job.updateMany({ where: { id: { in: [done.id, failed.id] } }, data: { userId: id } });
      const versionBefore = await readJobsVersion(store.sql);

      const res = await del(id);
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ deleted: { id, username: "carol", jobs: 2 } });
      expect(await db.user.findUnique({ where: { id } })).toBeNull();
      expect(await db.session.count({ where: { userId: id } })).toBe(0);
      expect(await db.apiToken.count({ where: { userId: id } })).toBe(0);
      const who = (await (await routes.session(req("/api/auth/session", { headers: { cookie: session.cookie } }), ctx(0))).json()) as { user: unknown };
      expect(who.user).toBeNull();
      expect((await routes.list(req("/api/jobs", { headers: { authorization: `Bearer ${token.token}` } }), ctx(0))).status).toBe(401);
      // The history keeps its jobs, with their e-mail, for the administrator to see; open pages are told.
      const kept = await db.job.findMany({ where: { id: { in: [done.id, failed.id] } }, orderBy: { id: "asc" } });
      expect(kept.map((j) => [j.state, j.userId, j.owner])).toEqual([["done", null, "carol@lab.org"], ["failed", null, "group@lab.org"]]);
      expect(await readJobsVersion(store.sql)).not.toBe(versionBefore);
      const listed = (await (await routes.list(req("/api/jobs?view=finished", { headers: basic() }), ctx(0))).json()) as { jobs: { id: number; account: string | null; owner: string | null }[] };
      expect(listed.jobs.filter((j) => j.id === done.id || j.id === failed.id).map((j) => [j.account, j.owner]).sort()).toEqual([[null, "carol@lab.org"], [null, "group@lab.org"]]);
      const users = (await (await routes.users(req("/api/users", { headers: basic() }), ctx(0))).json()) as { users: { username: string }[] };
      expect(users.users.map((u) => u.username)).not.toContain("carol");
    } finally {
      await db.user.deleteMany({ where: { username: "carol" } });
    }
  });

  it("users and visitors may not delete accounts; an unknown one is 404", async () => {
    const bob = await db.user.findUniqueOrThrow({ where: { username: "bob" } });
    expect((await del(bob.id, basicAs("ann"))).status).toBe(403);
    expect((await del(bob.id, { "x-qm-csrf": "1" })).status).toBe(401);
    expect(await db.user.findUnique({ where: { id: bob.id } })).not.toBeNull();
    expect(await messageOf(await del(99_999))).toMatchObject({ status: 404, code: "NOT_FOUND", message: "There is no user 99999." });
  });

  it("refuses one's own account, and the last enabled administrator, saying what to do", async () => {
    const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
    expect(await messageOf(await del(admin.id))).toMatchObject({
      status: 409, code: "CONFLICT", message: "QueueManager needs at least one enabled administrator; make someone else administrator first.",
    });
    const other = await make("dora", "admin");
    try {
      expect(await messageOf(await del(admin.id))).toMatchObject({
        status: 409, code: "CONFLICT", message: "You cannot delete the account you are signed in with; ask another administrator.",
      });
      expect(await db.user.findUnique({ where: { id: admin.id } })).not.toBeNull();
      // Another administrator may.
      expect((await del(other)).status).toBe(200);
    } finally {
      await db.user.deleteMany({ where: { username: "dora" } });
    }
  });

  it("refuses an account that owns jobs not finished, counted as ownership reads them", async () => {
    const ann = await db.user.findUniqueOrThrow({ where: { username: "ann" } });
    const { job: running } = await makeJob("running");
    await db.job.update({ where: { id: running.id }, data: { userId: ann.id, owner: "group@lab.org" } });
    await makeJob("queued", {}, { owner: " ANN@Lab.org" }); // a dropped folder with her e-mail: hers
    await makeJob("done");
    await makeJob("queued", {}, { owner: "bob@lab.org" });
    const refused = await del(ann.id);
    expect(await messageOf(refused)).toMatchObject({
      status: 409, code: "CONFLICT", message: "ann has 2 jobs queued or running: kill or delete them first, or disable the account instead.",
    });
    expect(await db.user.findUnique({ where: { id: ann.id } })).not.toBeNull();
    expect((await db.job.findUniqueOrThrow({ where: { id: running.id } })).userId).toBe(ann.id);
  });
});

describe("jobs belong to who submitted them", () => {
  it("a logged-in submission is theirs, with their e-mail unless one is given", async () => {
    const { cookie, csrf } = await login("ann");
    const mine = await routes.submit(submitRequest({ cookie, "x-qm-csrf": csrf, origin: BASE }, {}, NO_EMAIL_CFG), ctx(0));
    expect(mine.status).toBe(201);
    const { job } = (await mine.json()) as { job: { id: number; state: string } };
    expect(job.state).toBe("queued");
    const ann = await db.user.findUniqueOrThrow({ where: { username: "ann" } });
    expect(await db.job.findUniqueOrThrow({ where: { id: job.id } })).toMatchObject({ userId: ann.id, owner: "ann@lab.org" });
    const given = (await (await routes.submit(submitRequest(basicAs("ann"), { e_mail: "group@lab.org" }), ctx(0))).json()) as { job: { id: number } };
    expect(await db.job.findUniqueOrThrow({ where: { id: given.job.id } })).toMatchObject({ userId: ann.id, owner: "group@lab.org" });
    // The job's history names the account by its name.
    expect((await db.jobEvent.findFirstOrThrow({ where: { jobId: given.job.id, kind: "queued" } })).detail).toMatch(/; owned by ann$/);
    const anonymous = (await (await routes.submit(submitRequest({ "x-qm-csrf": "1" }, {}, NO_EMAIL_CFG), ctx(0))).json()) as { job: { id: number } };
    expect(await db.job.findUniqueOrThrow({ where: { id: anonymous.job.id } })).toMatchObject({ userId: null, owner: null });
    // The answers name the account beside the e-mail; "owner" filters by either.
    type Listed = { jobs: { id: number; account: string | null; owner: string | null }[] };
    const shown = (await (await routes.job(req(`/api/jobs/${given.job.id}`, { headers: basic() }), ctx(given.job.id))).json()) as { job: { account: string | null } };
    expect(shown.job.account).toBe("ann");
    const byAccount = (await (await routes.list(req("/api/jobs?view=queued&owner=ann", { headers: basic() }), ctx(0))).json()) as Listed;
    expect(byAccount.jobs.map((j) => [j.id, j.account, j.owner])).toEqual(
      expect.arrayContaining([[job.id, "ann", "ann@lab.org"], [given.job.id, "ann", "group@lab.org"]]),
    );
    expect(byAccount.jobs.map((j) => j.id)).not.toContain(anonymous.job.id);
  });

  it("owners kill, requeue and delete their own jobs; others get 403; the admin may act on all", async () => {
    const bob = await db.user.findUniqueOrThrow({ where: { username: "bob" } });
    const { job } = await makeJob("running", {}, {});
    await db.job.update({ where: { id: job.id }, data: { userId: bob.id, owner: "bob@lab.org" } });
    const can = async (headers: Record<string, string>) => ((await (await routes.job(req(`/api/jobs/${job.id}`, { headers }), ctx(job.id))).json()) as { can: Record<string, boolean> }).can;
    expect(await can(basicAs("ann"))).toEqual({ kill: false, requeue: false, delete: false, hold: false, release: false, pause: false });
    expect(await can(basicAs("bob"))).toEqual({ kill: true, requeue: true, delete: true, hold: true, release: true, pause: false });
    expect(await can({})).toEqual({ kill: false, requeue: false, delete: false, hold: false, release: false, pause: false });
    expect((await can(basic())).pause).toBe(true);

    const refused = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basicAs("ann") }), ctx(job.id));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/not yours/);
    expect((await routes.del(req(`/api/jobs/${job.id}`, { method: "DELETE", headers: basicAs("ann") }), ctx(job.id))).status).toBe(403);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).killRequestedAt).toBeNull();
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basicAs("bob") }), ctx(job.id))).status).toBe(202);
    expect(await db.jobEvent.findFirst({ where: { jobId: job.id, kind: "kill-requested" } })).toMatchObject({ detail: "by bob" });

    const { job: done } = await makeJob("failed");
    await db.job.update({ where: { id: done.id }, data: { userId: bob.id } });
    expect((await routes.requeue(req(`/api/jobs/${done.id}/requeue`, { method: "POST", headers: basicAs("ann") }), ctx(done.id))).status).toBe(403);
    expect((await routes.requeue(req(`/api/jobs/${done.id}/requeue`, { method: "POST", headers: basic() }), ctx(done.id))).status).toBe(200);
    expect((await routes.del(req(`/api/jobs/${done.id}`, { method: "DELETE", headers: basicAs("bob") }), ctx(done.id))).status).toBe(200);
  });

  it("owners hold and release their own queued jobs; others get 403; anonymous 401", async () => {
    const { job } = await makeJob("queued");
    const ann = await db.user.findUniqueOrThrow({ where: { username: "ann" } });
    await db.job.update({ where: { id: job.id }, data: { userId: ann.id } });
    const post = (route: typeof routes.hold, headers: Record<string, string>) => route(req(`/api/jobs/${job.id}`, { method: "POST", headers }), ctx(job.id));
    expect((await post(routes.hold, { "x-qm-csrf": "1" })).status).toBe(401);
    expect((await post(routes.hold, basicAs("bob"))).status).toBe(403);
    expect((await post(routes.hold, basicAs("ann"))).status).toBe(200);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("held");
    expect((await post(routes.release, basicAs("bob"))).status).toBe(403);
    expect((await post(routes.release, basicAs("ann"))).status).toBe(200);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("queued");
  });

  it("an array's elements say what each viewer may do; only its owner (or the admin) holds it", async () => {
    const submitted = await routes.submit(submitRequest(basicAs("ann"), { array: "1-3", hold: "yes" }, NO_EMAIL_CFG), ctx(0));
    expect(submitted.status).toBe(201);
    const arrayId = ((await submitted.json()) as { array: { id: number } }).array.id;
    const view = async (headers: Record<string, string>) =>
      (await (await routes.array(req(`/api/arrays/${arrayId}`, { headers }), ctx(arrayId))).json()) as { jobs: { state: string; can: { release: boolean; kill: boolean } }[]; can: { release: boolean } };
    const asAnn = await view(basicAs("ann"));
    expect(asAnn.jobs.map((j) => [j.state, j.can.release, j.can.kill])).toEqual(Array(3).fill(["held", true, true]));
    const asBob = await view(basicAs("bob"));
    expect(asBob.jobs.map((j) => j.can.release)).toEqual([false, false, false]);
    expect(asBob.can.release).toBe(false);
    const act = (action: string, headers: Record<string, string>) =>
      routes.arrayAction(req(`/api/arrays/${arrayId}/${action}`, { method: "POST", headers }), { params: Promise.resolve({ id: String(arrayId), action }) } as never);
    expect((await act("release", basicAs("bob"))).status).toBe(403);
    expect((await act("release", basicAs("ann"))).status).toBe(200);
    expect((await db.job.findMany({ where: { arrayId } })).map((j) => j.state)).toEqual(["queued", "queued", "queued"]);
  });

  it("Display_details = False still shows owners their own job", async () => {
    writeConfig({ Display_details: "False" });
    const { job } = await makeJob("done");
    const detail = async (headers: Record<string, string>) => ((await (await routes.job(req(`/api/jobs/${job.id}`, { headers }), ctx(job.id))).json()) as { job: { owner: string | null } }).job;
    expect((await detail(basicAs("ann"))).owner).toBe("ann@lab.org");
    expect((await detail(basicAs("bob"))).owner).toBeNull();
  });
});

describe("Require_Login", () => {
  const statuses = async (headers: Record<string, string> = {}) => ({
    view: (await routes.list(req("/api/jobs", { headers }), ctx(0))).status,
    submit: (await routes.submit(submitRequest({ "x-qm-csrf": "1", ...headers }), ctx(0))).status,
  });

  it("follows the matrix of docs/web-auth.md for visitors; a user may always view and submit", async () => {
    const lab = { host: "compute.lab.org:8000" };
    const matrix: [Record<string, string>, Record<string, string>, { view: number; submit: number }][] = [
      [{ Require_Login: "no", Host: "compute.lab.org" }, lab, { view: 200, submit: 201 }],
      [{ Require_Login: "auto" }, {}, { view: 200, submit: 201 }],
      [{ Require_Login: "auto", Host: "compute.lab.org" }, lab, { view: 200, submit: 401 }],
      [{ Require_Login: "yes" }, {}, { view: 401, submit: 401 }],
    ];
    for (const [keys, headers, expected] of matrix) {
      writeConfig(keys);
      restartWebServer(); // Host is read at start
      expect(await statuses(headers), JSON.stringify(keys)).toEqual(expected);
      expect(await statuses({ ...headers, ...basicAs("ann") }), `ann, ${JSON.stringify(keys)}`).toEqual({ view: 200, submit: 201 });
    }
    writeConfig();
    restartWebServer();
  });
});

describe("personal API tokens", () => {
  it("are made with the password (as qm login does), shown once, work as Bearer without CSRF, and stop when revoked", async () => {
    const created = await routes.createToken(req("/api/account/tokens", jsonBody("POST", { name: "laptop" }, basicAs("ann"))), ctx(0));
    expect(created.status).toBe(201);
    const { token } = (await created.json()) as { token: { id: number; token: string; name: string } };
    expect(token.token).toMatch(/^qm_[\w-]{43}$/);
    const stored = await db.apiToken.findUniqueOrThrow({ where: { id: token.id } });
    expect(stored.tokenHash).not.toContain(token.token);
    const listed = await (await routes.tokens(req("/api/account/tokens", { headers: basicAs("ann") }), ctx(0))).text();
    expect(listed).toContain("laptop");
    expect(listed).not.toContain(token.token);

    const bearer = { authorization: `Bearer ${token.token}` };
    // A token makes no other token: a leaked one would outlive its revocation.
    const minted = await routes.createToken(req("/api/account/tokens", jsonBody("POST", { name: "spare" }, bearer)), ctx(0));
    expect(minted.status).toBe(403);
    expect((await errorOf(minted)).message).toMatch(/^An API token cannot create other tokens/);
    expect(await db.apiToken.count({ where: { name: "spare" } })).toBe(0);
    const { job } = await makeJob("running");
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: bearer }), ctx(job.id))).status).toBe(202);
    expect((await db.apiToken.findUniqueOrThrow({ where: { id: token.id } })).lastUsedAt).not.toBeNull();
    expect((await routes.revokeToken(req(`/api/account/tokens/${token.id}`, { method: "DELETE", headers: basicAs("bob") }), ctx(token.id))).status).toBe(404);
    expect((await routes.revokeToken(req(`/api/account/tokens/${token.id}`, { method: "DELETE", headers: bearer }), ctx(token.id))).status).toBe(200);
    const after = await routes.list(req("/api/jobs", { headers: bearer }), ctx(0));
    expect(after.status).toBe(401);
    expect((await errorOf(after)).message).toMatch(/not valid/);
    expect((await routes.list(req("/api/jobs", { headers: { authorization: "Bearer qm_madeup" } }), ctx(0))).status).toBe(401);
  });
});

describe("sign-in by a trusted reverse proxy", () => {
  it("honours Trusted_User_Header only on connections from Trusted_Proxies", async () => {
    writeConfig({ Require_Login: "yes", Trusted_User_Header: "X-Remote-User", Trusted_Proxies: "10.1.2.3, 192.168.7.0/24" });
    const viaProxy = (peer: string, user: string) => ({ [PEER_HEADER]: peer, "x-remote-user": user });
    const who = async (headers: Record<string, string>) => ((await (await routes.session(req("/api/auth/session", { headers }), ctx(0))).json()) as { user: { username: string; role: string } | null; via: string });
    // The harness stands for QueueManager's web server: PEER_HEADER is the connection's address.

    expect(await who(viaProxy("10.1.2.3", "dave"))).toMatchObject({ user: { username: "dave", role: "user" }, via: "proxy" });
    expect(await db.user.findUnique({ where: { username: "dave" } })).toMatchObject({ role: "user" });
    expect(await who(viaProxy("::ffff:192.168.7.20", "ann"))).toMatchObject({ user: { username: "ann" } });
    // Anyone else sending the header is nobody.
    expect(await who(viaProxy("10.9.9.9", "admin"))).toMatchObject({ user: null, via: "anonymous" });
    expect(await who({ "x-remote-user": "admin" })).toMatchObject({ user: null });
    expect((await routes.list(req("/api/jobs", { headers: viaProxy("10.9.9.9", "admin") }), ctx(0))).status).toBe(401);
    expect((await routes.list(req("/api/jobs", { headers: viaProxy("10.1.2.3", "ann") }), ctx(0))).status).toBe(200);
    // An LDAP proxy passes the user's Basic credentials on: the header decides, not that password.
    const ldapBasic = { authorization: `Basic ${Buffer.from("ann:her-ldap-password").toString("base64")}` };
    expect(await who({ ...viaProxy("10.1.2.3", "ann"), ...ldapBasic })).toMatchObject({ user: { username: "ann" }, via: "proxy" });

    // A proxied user acts like a logged-in one; their browser still sends the CSRF header.
    const { job } = await makeJob("running");
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: viaProxy("10.1.2.3", "ann") }), ctx(job.id))).status).toBe(403);
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { ...viaProxy("10.1.2.3", "ann"), "x-qm-csrf": "1" } }), ctx(job.id))).status).toBe(202);

    const dave = await db.user.findUniqueOrThrow({ where: { username: "dave" } });
    await db.user.update({ where: { id: dave.id }, data: { disabled: true } });
    expect((await routes.list(req("/api/jobs", { headers: viaProxy("10.1.2.3", "dave") }), ctx(0))).status).toBe(403);
    await db.user.delete({ where: { id: dave.id } });
  });

  it("a proxy on this machine (127.0.0.1) is believed only from its account: a job connecting there itself signs in as nobody", async () => {
    writeConfig({ Require_Login: "yes", Trusted_User_Header: "X-Remote-User", Trusted_Proxies: "127.0.0.1" });
    const who = async (headers: Record<string, string>) => ((await (await routes.session(req("/api/auth/session", { headers }), ctx(0))).json()) as { user: { username: string } | null });
    const [wwwData] = uidsOfAccounts(["www-data"]);
    const [job, proxy] = await Promise.all([openLocalConnection(61_996), openLocalConnection(wwwData)]);
    try {
      // Before, any local process (a job, a lab member's shell) reaching the web server's own
      // port on 127.0.0.1 was "the proxy": X-Remote-User: admin made it the administrator.
      expect(await who({ ...job.headers, "x-remote-user": "admin" })).toMatchObject({ user: null });
      expect((await routes.list(req("/api/jobs", { headers: { ...job.headers, "x-remote-user": "admin" } }), ctx(0))).status).toBe(401);
      // nginx's workers (www-data, one of Trusted_Proxy_Users' defaults) are the proxy.
      expect(await who({ ...proxy.headers, "x-remote-user": "ann" })).toMatchObject({ user: { username: "ann" } });
      writeConfig({ Require_Login: "yes", Trusted_User_Header: "X-Remote-User", Trusted_Proxies: "127.0.0.1", Trusted_Proxy_Users: "nginx" });
      expect(await who({ ...proxy.headers, "x-remote-user": "ann" })).toMatchObject({ user: null });
    } finally {
      await Promise.all([job.close(), proxy.close()]);
    }
  });
});
