/**
 * Access control of the API below HTTP (lib/web/api-test-harness.ts): admin-only actions,
 * CSRF and Origin, HTTP Basic, Require_Login, Display_details, first-start setup and
 * logout. The login slow-down: login-slowdown.int.test.ts; setup from afar: setup-security.int.test.ts.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it, onTestFinished } from "vitest";
import { BASE, PASSWORD, basic, basicAs, ctx, db, errorOf, login, makeJob, req, restartWebServer, routes, unzip, wakeUps, writeConfig } from "./api-test-harness";
import { openLocalConnection } from "./local-connection";
import { jobZip } from "../server/zip/zip-fixtures";
import { findJobDescription } from "../server/job-folder";

describe("access control", () => {
  it("kill needs the admin: 401 anonymous, 403 without CSRF or from another origin, 202 with session+CSRF", async () => {
    const { job } = await makeJob("running");
    const anon = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { "x-qm-csrf": "anonymous" } }), ctx(job.id));
    expect(anon.status).toBe(401);
    const { cookie, csrf } = await login();
    const noCsrf = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie } }), ctx(job.id));
    expect(noCsrf.status).toBe(403);
    const wrongCsrf = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": "guess" } }), ctx(job.id));
    expect(wrongCsrf.status).toBe(403);
    const crossSite = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf, origin: "http://evil.example" } }), ctx(job.id));
    expect(crossSite.status).toBe(403);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).killRequestedAt).toBeNull();
    const ok = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf, origin: BASE } }), ctx(job.id));
    expect(ok.status).toBe(202);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).killRequestedAt).not.toBeNull();
    expect(await db.jobEvent.count({ where: { jobId: job.id, kind: "kill-requested" } })).toBe(1);
    expect(await wakeUps.woken()).toBe(true);
  });

  it("HTTP Basic works for scripts without CSRF; a wrong password is 401 without a challenge", async () => {
    const { job } = await makeJob("running");
    const wrong = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic("nope") }), ctx(job.id));
    expect(wrong.status).toBe(401);
    expect(wrong.headers.get("www-authenticate")).toBeNull();
    const ok = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic() }), ctx(job.id));
    expect(ok.status).toBe(202);
  });

  it("Licence_to_kill = False forbids killing to owners, not to the admin; killing a queued job is INVALID_STATE", async () => {
    const { job } = await makeJob("running");
    writeConfig({ Licence_to_kill: "False" });
    const owner = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basicAs("ann") }), ctx(job.id));
    expect(owner.status).toBe(403);
    expect((await errorOf(owner)).message).toMatch(/Licence_to_kill = False/);
    // The job page tells its owner why there is no Kill button; nobody else, and not the admin, who may.
    const detail = async (headers: Record<string, string>) => ((await (await routes.job(req(`/api/jobs/${job.id}`, { headers }), ctx(job.id))).json()) as { switchedOff: Record<string, string> }).switchedOff;
    expect(await detail(basicAs("ann"))).toEqual({ kill: "Killing jobs is switched off (Licence_to_kill = False in QMserv.cfg); ask the administrator." });
    expect(await detail(basic())).toEqual({});
    expect(await detail({})).toEqual({});
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basic() }), ctx(job.id))).status).toBe(202);
    writeConfig();
    const { job: queued } = await makeJob("queued");
    const res = await routes.kill(req(`/api/jobs/${queued.id}/kill`, { method: "POST", headers: basic() }), ctx(queued.id));
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "INVALID_STATE" });
  });

  it("Require_Login = yes closes viewing to anonymous visitors", async () => {
    writeConfig({ Require_Login: "yes" });
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(401);
    expect((await routes.status(req("/api/status"), ctx(0))).status).toBe(401);
    const { cookie } = await login();
    expect((await routes.list(req("/api/jobs", { headers: { cookie } }), ctx(0))).status).toBe(200);
    const session = (await (await routes.session(req("/api/auth/session"), ctx(0))).json()) as { loginRequired: boolean; user: unknown };
    expect(session).toMatchObject({ loginRequired: true, submitNeedsLogin: true, user: null });
  });

  it("Require_Login = yes closes every view of a job and its folder, before saying whether the job exists", async () => {
    const { job } = await makeJob("done", { "process.log": "processing 1 / 1\n" });
    writeConfig({ Require_Login: "yes" });
    const { cookie } = await login();
    const views = [[routes.job, ""], [routes.files, "/files"], [routes.raw, "/files/raw?path=process.log"], [routes.log, "/log"], [routes.zip, "/download"]] as const;
    for (const [handler, suffix] of views) {
      expect((await handler(req(`/api/jobs/${job.id}${suffix}`), ctx(job.id))).status, `anonymous ${suffix}`).toBe(401);
      expect((await handler(req(`/api/jobs/999999${suffix}`), ctx(999999))).status, `anonymous, no such job ${suffix}`).toBe(401);
      const admin = await handler(req(`/api/jobs/${job.id}${suffix}`, { headers: { cookie } }), ctx(job.id));
      expect(admin.status, `admin ${suffix}`).toBe(200);
      await admin.arrayBuffer();
    }
  });

  it("auto: open on localhost, but not through another Host name (DNS rebinding); on the lab network viewing stays open", async () => {
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(200);
    expect((await routes.list(req("/api/jobs", { headers: { host: "attacker.example:8000" } }), ctx(0))).status).toBe(401);
    writeConfig({ Host: "compute.lab.org" });
    // Saved, but Host takes effect at the next start: this server still listens on 127.0.0.1.
    expect((await routes.list(req("/api/jobs"), ctx(0))).status).toBe(200);
    restartWebServer();
    // On the lab network viewing stays open, under a name this server is known by (docs/web-auth.md).
    expect((await routes.list(req("/api/jobs", { headers: { host: "compute.lab.org:8000" } }), ctx(0))).status).toBe(200);
    expect((await routes.list(req("/api/jobs", { headers: { host: "attacker.example:8000" } }), ctx(0))).status).toBe(401);
    writeConfig();
    restartWebServer();
  });

  it("Display_details = False hides owner, info and info keys from visitors, not from the admin", async () => {
    const { job } = await makeJob("done");
    writeConfig({ Display_details: "False" });
    const anon = (await (await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id))).json()) as { job: Record<string, unknown> };
    expect(anon.job).toMatchObject({ owner: null, info: null, script: null, params: null });
    const admin = (await (await routes.job(req(`/api/jobs/${job.id}`, { headers: basic() }), ctx(job.id))).json()) as { job: Record<string, unknown> };
    expect(admin.job).toMatchObject({ owner: "ann@lab.org", params: { custom: "42" } });
    // The info file itself is not readable by visitors either.
    expect((await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=proc_config.cfg`), ctx(job.id))).status).toBe(403);
    const listing = (await (await routes.files(req(`/api/jobs/${job.id}/files`), ctx(job.id))).json()) as { entries: { name: string }[] };
    expect(listing.entries.map((e) => e.name)).not.toContain("proc_config.cfg");
    expect((await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=proc_config.cfg`, { headers: basic() }), ctx(job.id))).status).toBe(200);
  });
});

describe("Display_details = False: nothing else names the owner either", () => {
  it("bob refused on ann's job is not told it is ann's; with Display_details = True he is", async () => {
    // Before, the 403 said "Job 7 is not yours (it belongs to ann@lab.org)" while the job's
    // views showed its owner as null to bob.
    const { job } = await makeJob("running");
    writeConfig({ Display_details: "False" });
    for (const [route, action] of [[routes.kill, "kill"], [routes.hold, "hold"], [routes.requeue, "requeue"], [routes.del, ""]] as const) {
      const res = await route(req(`/api/jobs/${job.id}${action ? `/${action}` : ""}`, { method: action ? "POST" : "DELETE", headers: basicAs("bob") }), ctx(job.id));
      expect(res.status).toBe(403);
      const { message } = await errorOf(res);
      expect(message).toMatch(/^Job \d+ is not yours; only its owner or the administrator may \w+ it\.$/);
    }
    expect((await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: basicAs("ann") }), ctx(job.id))).status).toBe(202);
    writeConfig({ Display_details: "True" });
    expect((await errorOf(await routes.hold(req(`/api/jobs/${job.id}/hold`, { method: "POST", headers: basicAs("bob") }), ctx(job.id)))).message).toContain("(it belongs to ann@lab.org)");
  });
});

describe("Display_details = False: the job's history and its Unix account do not name the owner", () => {
  it("events have no detail and runAs is null for visitors and other users; the owner and the administrator see them", async () => {
    // Before, with owner and account null, the history said "submitted ...; owned by ann"
    // and "by ann", and resources.runAs the owner's own Unix account under Run_As.
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(jobZip({ folder: "private-fit" }))], { type: "application/zip" }), "private-fit.zip");
    const submitted = await routes.submit(req("/api/jobs", { method: "POST", body: form, headers: basicAs("ann") }), ctx(0));
    expect(submitted.status).toBe(201);
    const { id } = ((await submitted.json()) as { job: { id: number } }).job;
    expect((await routes.hold(req(`/api/jobs/${id}/hold`, { method: "POST", headers: basicAs("ann") }), ctx(id))).status).toBe(200);
    const { job: running } = await makeJob("running", {}, { runInfo: JSON.stringify({ user: "ann", granted: 1 }) });
    writeConfig({ Display_details: "False" });
    type Shown = { job: { events: { kind: string; detail: string | null }[]; resources: { runAs: string | null } } };
    const shown = async (jobId: number, headers: Record<string, string>) => ((await (await routes.job(req(`/api/jobs/${jobId}`, { headers }), ctx(jobId))).json()) as Shown).job;
    for (const headers of [{}, basicAs("bob")]) {
      const held = await shown(id, headers);
      expect(held.events.map((e) => e.kind)).toEqual(["queued", "held"]);
      expect(held.events.every((e) => e.detail === null)).toBe(true);
      expect((await shown(running.id, headers)).resources.runAs).toBeNull();
    }
    for (const headers of [basicAs("ann"), basic()]) {
      expect((await shown(id, headers)).events.map((e) => e.detail)).toEqual([expect.stringContaining("owned by ann"), "by ann"]);
      expect((await shown(running.id, headers)).resources.runAs).toBe("ann");
    }
  });
});

describe("Display_details = False hides the file that describes the job, whichever it is", () => {
  // Before, only job_file (proc_config.cfg) was hidden: a job described by infos.xml, by
  // another *.cfg or by a #QM script had its owner and command served to every visitor.
  const describers: Record<string, string> = {
    "infos.xml": '<PARAMETER>\n  <script value="sh run.sh --patient PATIENT-0042"/>\n  <e_mail value="ann@lab.org"/>\n</PARAMETER>\n',
    "study.cfg": "[QMOptions]\nscript = sh run.sh --patient PATIENT-0042\ne_mail = ann@lab.org\n",
    "run.sh": "#!/bin/sh\n#QM e_mail=ann@lab.org\n#QM info=PATIENT-0042\necho fit\n",
  };
  for (const [file, text] of Object.entries(describers)) {
    it(`${file}: not listed, served or zipped to visitors nor to other users; the owner and the administrator read it`, async () => {
      const { job, full } = await makeJob("done", { [file]: text, "results.txt": "42\n" });
      fs.rmSync(path.join(full, "proc_config.cfg"));
      // The notes the worker or the upload records when it reads such a folder.
      const { notes } = findJobDescription(full, { jobFile: "proc_config.cfg", strict: false });
      await db.job.update({ where: { id: job.id }, data: { notes: JSON.stringify(notes) } });
      writeConfig({ Display_details: "False" });
      for (const headers of [{}, basicAs("bob")]) {
        const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${file}`, { headers }), ctx(job.id));
        expect(raw.status).toBe(403);
        expect(await raw.text()).not.toContain("PATIENT");
        const listing = (await (await routes.files(req(`/api/jobs/${job.id}/files`, { headers }), ctx(job.id))).json()) as { entries: { name: string }[] };
        expect(listing.entries.map((e) => e.name)).toEqual(["results.txt"]);
        const zip = await unzip(Buffer.from(await (await routes.zip(req(`/api/jobs/${job.id}/download`, { headers }), ctx(job.id))).arrayBuffer()));
        expect([...zip.keys()]).not.toContain(`${job.name}/${file}`);
        expect(zip.get(`${job.name}/results.txt`)).toBe("42\n");
      }
      for (const headers of [basicAs("ann"), basic()]) {
        const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${file}`, { headers }), ctx(job.id));
        expect(raw.status).toBe(200);
        expect(await raw.text()).toBe(text);
      }
      writeConfig({ Display_details: "True" });
      expect((await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=${file}`), ctx(job.id))).status).toBe(200);
    });
  }

  it("infos.xml of a job whose row has no note of it (imported by an earlier version) is hidden all the same", async () => {
    const { job, full } = await makeJob("done", { "infos.xml": describers["infos.xml"] });
    fs.rmSync(path.join(full, "proc_config.cfg"));
    await db.job.update({ where: { id: job.id }, data: { notes: null, source: "import", imported: true } });
    writeConfig({ Display_details: "False" });
    try {
      const raw = await routes.raw(req(`/api/jobs/${job.id}/files/raw?path=infos.xml`), ctx(job.id));
      expect(raw.status).toBe(403);
      expect(await raw.text()).not.toContain("PATIENT");
    } finally {
      writeConfig({ Display_details: "True" });
    }
  });
});

describe("first start and sessions", () => {
  it("/setup creates the administrator only while none exists, and logs in", async () => {
    await db.user.deleteMany();
    const state = (await (await routes.session(req("/api/auth/session"), ctx(0))).json()) as { setupNeeded: boolean };
    expect(state.setupNeeded).toBe(true);
    // From the server itself, as its account (no setup token needed: see setup-security.int.test.ts).
    const operator = await openLocalConnection();
    onTestFinished(() => operator.close());
    const post = (body: object) =>
      routes.setup(req("/api/auth/setup", { method: "POST", body: JSON.stringify(body), headers: { "content-type": "application/json", ...operator.headers } }), ctx(0));
    const short = await post({ username: "admin", password: "short" });
    expect(short.status).toBe(400);
    expect((await errorOf(short)).details).toHaveProperty("password");
    const created = await post({ username: "admin", password: PASSWORD });
    expect(created.status).toBe(201);
    expect(created.headers.get("set-cookie")).toMatch(/^qm_session=/);
    const again = await post({ username: "mallory", password: "another password" });
    expect(again.status).toBe(409);
    expect(await db.user.count({ where: { role: "admin" } })).toBe(1);
  });

  it("a session cookie whose %-escapes are malformed is no session, not a 500 on every request", async () => {
    // Before, decodeURIComponent threw (URIError) and every API request of that browser
    // answered 500, which anyone able to set a cookie for the host could cause.
    const cookie = "qm_session=%E0%A4%A";
    const list = await routes.list(req("/api/jobs", { headers: { cookie } }), ctx(0));
    expect(list.status).toBe(200);
    const session = (await (await routes.session(req("/api/auth/session", { headers: { cookie } }), ctx(0))).json()) as { user: unknown; via: string };
    expect(session).toMatchObject({ user: null, via: "anonymous" });
    const loggedIn = await routes.login(
      req("/api/auth/login", { method: "POST", body: JSON.stringify({ username: "admin", password: PASSWORD }), headers: { cookie, origin: BASE, "content-type": "application/json" } }),
      ctx(0),
    );
    expect(loggedIn.status).toBe(200);
    expect((await routes.logout(req("/api/auth/logout", { method: "POST", headers: { cookie, "x-qm-csrf": "1" } }), ctx(0))).status).toBeLessThan(300);
  });

  it("logout ends the session: the cookie no longer opens admin actions", async () => {
    const { cookie, csrf } = await login();
    const out = await routes.logout(req("/api/auth/logout", { method: "POST", headers: { cookie } }), ctx(0));
    expect(out.headers.get("set-cookie")).toMatch(/Max-Age=0/);
    const { job } = await makeJob("running");
    const res = await routes.kill(req(`/api/jobs/${job.id}/kill`, { method: "POST", headers: { cookie, "x-qm-csrf": csrf } }), ctx(job.id));
    expect(res.status).toBe(401);
  });
});
