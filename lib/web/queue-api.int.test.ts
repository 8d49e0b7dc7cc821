/**
 * The queue-control API below HTTP (lib/web/api-test-harness.ts): hold/release, pause/
 * resume, submitting held jobs, arrays and dependencies through POST /api/jobs, the
 * arrays endpoints, and the start estimates in the job lists and pages.
 */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { ArrayAnswer, ArraysAnswer, JobAnswer, JobsAnswer } from "../core/api-types";
import { parseJobInfo } from "../core/job-info";
import { planTransition } from "../core/job-lifecycle";
import { writeHeartbeat } from "../server/store/worker-status";
import { jobZip } from "../server/zip/zip-fixtures";
import { type Handler, basic, basicAs, ctx, db, errorOf, makeJob, qm, req, routes, store, wakeUps, writeConfig } from "./api-test-harness";

const root = path.resolve(import.meta.dirname, "../..");
let hold: Handler, release: Handler, pause: Handler, resume: Handler, arrays: Handler, array: Handler;
let arrayAction: (request: Request, context: { params: Promise<{ id: string; action: string }> }) => Promise<Response>;

beforeAll(async () => {
  const load = (p: string) => import(/* @vite-ignore */ path.join(root, "app/api", p, "route.ts"));
  [hold, release, pause, resume, arrays, array] = (
    await Promise.all(["jobs/[id]/hold", "jobs/[id]/release", "queue/pause", "queue/resume", "arrays", "arrays/[id]"].map(load))
  ).map((m, i) => (i < 4 ? m.POST : m.GET));
  arrayAction = (await load("arrays/[id]/[action]")).POST;
});

beforeEach(() => {
  // The harness empties the tables; the queue folder is ours to empty.
  fs.rmSync(path.join(qm, "QM_qJobs"), { recursive: true, force: true });
  fs.mkdirSync(path.join(qm, "QM_qJobs"));
});

const post = (url: string, headers: Record<string, string> = basic()) => req(url, { method: "POST", headers });
const body = async <T>(res: Response) => (await res.json()) as T;

function upload(fields: Record<string, string>, cfg = "[QMOptions]\nscript = sh run.sh\ne_mail = ann@lab.org\n", headers: Record<string, string> = { "x-qm-csrf": "1" }) {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  form.append("file", new Blob([new Uint8Array(jobZip({ folder: "sweep", cfg }))], { type: "application/zip" }), "sweep.zip");
  return routes.submit(req("/api/jobs", { method: "POST", body: form, headers }), ctx(0));
}

describe("hold and release", () => {
  it("the admin holds and releases a queued job; visitors are refused; history records who", async () => {
    const { job } = await makeJob("queued");
    expect((await hold(post(`/api/jobs/${job.id}/hold`, { "x-qm-csrf": "1" }), ctx(job.id))).status).toBe(401);
    const held = await hold(post(`/api/jobs/${job.id}/hold`), ctx(job.id));
    expect(held.status).toBe(200);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("held");
    // Asking twice is not an error.
    expect((await hold(post(`/api/jobs/${job.id}/hold`), ctx(job.id))).status).toBe(200);
    wakeUps.reset();
    expect((await release(post(`/api/jobs/${job.id}/release`), ctx(job.id))).status).toBe(200);
    expect((await db.job.findUniqueOrThrow({ where: { id: job.id } })).state).toBe("queued");
    expect(await wakeUps.woken()).toBe(true);
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => [e.kind, e.detail])).toEqual([["queued", null], ["held", "by admin"], ["released", "by admin"]]);
  });

  it("asking for the state a job or the queue is in already is not an error, and the answer says it changed nothing", async () => {
    // qm release of a job that was never held said "released": the answer was the same either way.
    const { job } = await makeJob("queued");
    const act = async (route: Handler, what: string) => body(await route(post(`/api/jobs/${job.id}/${what}`), ctx(job.id)));
    expect(await act(release, "release")).toEqual({ ok: true, state: "queued", changed: false });
    expect(await act(hold, "hold")).toEqual({ ok: true, state: "held", changed: true });
    expect(await act(hold, "hold")).toEqual({ ok: true, state: "held", changed: false });
    expect(await act(release, "release")).toEqual({ ok: true, state: "queued", changed: true });
    const events = await db.jobEvent.findMany({ where: { jobId: job.id }, orderBy: { id: "asc" } });
    expect(events.map((e) => e.kind)).toEqual(["queued", "held", "released"]);

    expect(await body(await resume(post("/api/queue/resume"), ctx(0)))).toEqual({ paused: null, changed: false });
    const first = await body<{ paused: { by: string; at: string }; changed: boolean }>(await pause(post("/api/queue/pause"), ctx(0)));
    expect(first.changed).toBe(true);
    expect(await body(await pause(post("/api/queue/pause"), ctx(0)))).toEqual({ paused: first.paused, changed: false });
    expect(await body(await resume(post("/api/queue/resume"), ctx(0)))).toEqual({ paused: null, changed: true });
  });

  it("a running job cannot be held (409); an unknown job is 404, but 401 first when a login is required", async () => {
    const { job } = await makeJob("running");
    const res = await hold(post(`/api/jobs/${job.id}/hold`), ctx(job.id));
    expect(res.status).toBe(409);
    expect(await errorOf(res)).toMatchObject({ code: "INVALID_STATE", message: `Job ${job.id} is running; only a queued job can be held.` });
    expect((await hold(post("/api/jobs/99999/hold"), ctx(99999))).status).toBe(404);
    writeConfig({ Require_Login: "yes" });
    expect((await hold(post("/api/jobs/99999/hold", { "x-qm-csrf": "1" }), ctx(99999))).status).toBe(401);
  });
});

describe("priority", () => {
  it("the owner moves a waiting job up the queue; others get 403, bad values 400, a running job 409; history records who and from what", async () => {
    const [a, b, c] = [await makeJob("queued"), await makeJob("queued"), await makeJob("queued")].map((m) => m.job.id); // ann's
    const setPriority = (id: number, value: unknown, headers: Record<string, string>) =>
      routes.priority(req(`/api/jobs/${id}/priority`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ priority: value }) }), ctx(id));
    const queuedOrder = async () => (await body<JobsAnswer>(await routes.list(req("/api/jobs?view=queued"), ctx(0)))).jobs.map((j) => j.id).filter((id) => [a, b, c].includes(id));
    expect(await queuedOrder()).toEqual([a, b, c]);

    wakeUps.reset();
    const raised = await setPriority(c, 5, basicAs("ann"));
    expect(raised.status).toBe(200);
    expect(await body(raised)).toEqual({ priority: 5, changed: true });
    expect(await queuedOrder()).toEqual([c, a, b]);
    expect(await wakeUps.woken()).toBe(true);
    expect((await db.jobEvent.findFirstOrThrow({ where: { jobId: c, kind: "priority" } })).detail).toBe("0 -> 5 by ann");

    const refused = await setPriority(a, 9, basicAs("bob"));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toBe(`Job ${a} is not yours (it belongs to ann@lab.org); only its owner or the administrator may change its priority.`);
    expect((await setPriority(a, 9, { "x-qm-csrf": "1" })).status).toBe(401);
    // With Display_details = False another user is not told whose job it is.
    writeConfig({ Display_details: "False" });
    expect((await errorOf(await setPriority(a, 9, basicAs("bob")))).message).toBe(`Job ${a} is not yours; only its owner or the administrator may change its priority.`);
    writeConfig();
    for (const bad of [5000, 1.5, "high"]) {
      const res = await setPriority(a, bad, basic());
      expect(res.status, String(bad)).toBe(400);
      expect(Object.keys((await errorOf(res)).details ?? {})).toEqual(["priority"]);
    }
    // The administrator may lower anyone's; the same value again changes nothing.
    expect(await body(await setPriority(c, -1, basic()))).toEqual({ priority: -1, changed: true });
    expect(await body(await setPriority(c, -1, basic()))).toEqual({ priority: -1, changed: false });
    expect(await queuedOrder()).toEqual([a, b, c]);

    const { job: running } = await makeJob("running");
    const late = await setPriority(running.id, 3, basic());
    expect(late.status).toBe(409);
    expect(await errorOf(late)).toMatchObject({ code: "INVALID_STATE", message: `Job ${running.id} is running; only a waiting (queued or held) job's priority can change.` });
  });
});

describe("Max_User_Priority", () => {
  const setPriority = (id: number, value: number, headers: Record<string, string>) =>
    routes.priority(req(`/api/jobs/${id}/priority`, { method: "POST", headers: { ...headers, "content-type": "application/json" }, body: JSON.stringify({ priority: value }) }), ctx(id));
  const cfg = (priority: number) => `[QMOptions]\nscript = sh run.sh\ne_mail = ann@lab.org\npriority = ${priority}\n`;

  it("keeps users from putting their jobs ahead: a typed priority above it is refused, one in the job's file lowered with a note; the administrator is not limited", async () => {
    writeConfig({}, { Max_User_Priority: "0" });
    try {
      // Typed (the submit form, qm submit -p, the API field): refused, nothing queued.
      const typed = await upload({ priority: "5" }, undefined, { ...basicAs("ann"), "x-qm-csrf": "1" });
      expect(typed.status).toBe(400);
      const refusal = await errorOf(typed);
      expect(refusal.message).toBe("The priority 5 is above 0, the highest a job may have unless an administrator gives it (Max_User_Priority): ask for 0 or less, or ask an administrator to raise it.");
      expect(Object.keys(refusal.details ?? {})).toEqual(["priority"]);
      expect((await upload({ priority: "5" })).status).toBe(400); // a visitor
      expect(fs.readdirSync(path.join(qm, "QM_qJobs"))).toEqual([]);
      expect(await db.job.count()).toBe(0);

      // In the job's own file: the job is queued, at the limit, and says why.
      const lowered = await upload({}, cfg(50), { ...basicAs("ann"), "x-qm-csrf": "1" });
      expect(lowered.status).toBe(201);
      const answer = ((await lowered.json()) as { job: { id: number; notes: string[] } }).job;
      const { id } = answer;
      const row = await db.job.findUniqueOrThrow({ where: { id } });
      expect(row.priority).toBe(0);
      const note = "priority 50 lowered to 0: only an administrator may give a job more (Max_User_Priority)";
      expect(JSON.parse(row.notes!)).toContain(note);
      expect(answer.notes).toContain(note); // the submitter is told at once (qm submit prints it)
      expect((await body<JobAnswer>(await routes.job(req(`/api/jobs/${id}`, { headers: basicAs("ann") }), ctx(id)))).notes).toContain(note);

      // Its owner may not raise it past the limit afterwards; below it, yes.
      const raise = await setPriority(id, 1, basicAs("ann"));
      expect(raise.status).toBe(400);
      expect((await errorOf(raise)).message).toMatch(/^The priority 1 is above 0, the highest a job may have unless an administrator gives it/);
      expect(await body(await setPriority(id, -3, basicAs("ann")))).toEqual({ priority: -3, changed: true });

      // The administrator: typed and in the file, as asked; and may raise anyone's.
      const admin = await upload({ priority: "7" }, undefined, { ...basic(), "x-qm-csrf": "1" });
      expect(admin.status).toBe(201);
      expect((await db.job.findUniqueOrThrow({ where: { id: ((await admin.json()) as { job: { id: number } }).job.id } })).priority).toBe(7);
      expect(await body(await setPriority(id, 20, basic()))).toEqual({ priority: 20, changed: true });
    } finally {
      writeConfig();
    }
  });

  it("with the default (1000) nobody is limited, as QM 0.4", async () => {
    const res = await upload({ priority: "900" }, cfg(900), { ...basicAs("ann"), "x-qm-csrf": "1" });
    expect(res.status).toBe(201);
    const row = await db.job.findUniqueOrThrow({ where: { id: ((await res.json()) as { job: { id: number } }).job.id } });
    expect(row.priority).toBe(900);
    expect(row.notes ?? "").not.toMatch(/lowered/);
  });
});

describe("pause and resume", () => {
  it("the admin pauses and resumes; the status says so; visitors may not", async () => {
    expect((await pause(post("/api/queue/pause", { "x-qm-csrf": "1" }), ctx(0))).status).toBe(401);
    const paused = await body<{ paused: { by: string; at: string } }>(await pause(post("/api/queue/pause"), ctx(0)));
    expect(paused.paused.by).toBe("admin");
    const status = await body<{ paused: unknown }>(await routes.status(req("/api/status"), ctx(0)));
    expect(status.paused).toEqual(paused.paused);
    expect(await body(await resume(post("/api/queue/resume"), ctx(0)))).toEqual({ paused: null, changed: true });
    expect((await body<{ paused: unknown }>(await routes.status(req("/api/status"), ctx(0)))).paused).toBeNull();
  });
});

describe("submitting with queue fields", () => {
  it("array, hold and after_ok from the form become one held job per index, each waiting for the parent", async () => {
    const { job: parent } = await makeJob("queued");
    const res = await upload({ array: "1-3%2", hold: "yes", after_ok: String(parent.id) });
    expect(res.status).toBe(201);
    const answer = await body<{ job: { id: number; url: string }; array: { id: number; jobIds: number[]; url: string } }>(res);
    expect(answer.array.jobIds).toHaveLength(3);
    expect(answer.array.url).toBe(`/arrays/${answer.array.id}`);
    const elements = await db.job.findMany({ where: { arrayId: answer.array.id }, include: { dependsOn: true }, orderBy: { arrayIndex: "asc" } });
    expect(elements.map((e) => [e.name, e.state, e.arrayIndex, e.folder])).toEqual([
      ["sweep_1", "held", 1, "QM_qJobs/sweep_1"], ["sweep_2", "held", 2, "QM_qJobs/sweep_2"], ["sweep_3", "held", 3, "QM_qJobs/sweep_3"],
    ]);
    for (const e of elements) expect(e.dependsOn).toEqual([{ jobId: e.id, parentId: parent.id, kind: "after_ok" }]);
    const cfg = fs.readFileSync(path.join(qm, "QM_qJobs/sweep_2/proc_config.cfg"), "utf8");
    expect(cfg).toMatch(/array\s*=\s*1-3%2$/m);
    expect(parseJobInfo("proc_config.cfg", cfg).params.array).toBe("1-3%2");
    expect(cfg).toMatch(/array_index\s*=\s*2/);
    expect(cfg).toMatch(/hold\s*=\s*yes/);
  });

  it("says at submission and on the job's page, while it waits, what the job will get that differs from what it asked", async () => {
    writeConfig({}, { MaxNbProcessors: "2", Max_Mem: "1G" });
    try {
      const res = await upload({ nb_proc: "6", hold: "yes" }, "[QMOptions]\nscript = sh run.sh\nmem = 4G\n");
      expect(res.status).toBe(201);
      const notes = ["nb_proc 6 is more than MaxNbProcessors (2) of this server; it will run on 2 processors", "mem 4096M is more than the maximum 1024M; this run gets 1024M"];
      const { job } = await body<{ job: { id: number; notes: string[] } }>(res);
      expect(job.notes).toEqual(notes);
      expect((await body<JobAnswer>(await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id)))).notes).toEqual(notes);
      // An array's answer says it once, for its elements; a job that gets what it asks gets no note.
      const array = await body<{ job: { notes: string[] }; array: { jobIds: number[] } }>(await upload({ nb_proc: "3", array: "1-2", hold: "yes" }));
      expect(array.job.notes).toEqual([notes[0].replace("nb_proc 6", "nb_proc 3")]);
      expect((await body<{ job: { notes: string[] } }>(await upload({ nb_proc: "2", hold: "yes" }))).job.notes).toEqual([]);
      // Once it has run, process.log's header says what it got: the page no longer says "will".
      await db.job.update({ where: { id: job.id }, data: { state: "done" } });
      expect((await body<JobAnswer>(await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id)))).notes).toEqual([]);
    } finally {
      writeConfig();
    }
  });

  it("a waiting job's processors are those it will get (MaxNbProcessors on the local executor), in the list, its page and its array", async () => {
    writeConfig({}, { MaxNbProcessors: "2" });
    try {
      const { job } = await body<{ job: { id: number } }>(await upload({ nb_proc: "4", hold: "yes" }));
      const { array } = await body<{ array: { id: number; jobIds: number[] } }>(await upload({ nb_proc: "3", array: "1-2", hold: "yes" }));
      const granted = async () => {
        const page = await body<JobAnswer>(await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id)));
        const list = await body<JobsAnswer>(await routes.list(req("/api/jobs?view=all&pageSize=500"), ctx(0)));
        const elements = await body<ArrayAnswer>(await routes.array(req(`/api/arrays/${array.id}`), ctx(array.id)));
        return {
          page: page.job.resources.granted,
          list: list.jobs.find((j) => j.id === job.id)!.resources.granted,
          array: elements.jobs.map((j) => j.resources.granted),
          asked: page.job.nbProc,
        };
      };
      expect(await granted()).toEqual({ page: 2, list: 2, array: [2, 2], asked: 4 });
      // Slurm gives what is asked.
      writeConfig({}, { MaxNbProcessors: "2", executor: "slurm" });
      expect(await granted()).toEqual({ page: 4, list: 4, array: [3, 3], asked: 4 });
      // A run says what it got (the worker's runInfo), whatever the settings now.
      writeConfig({}, { MaxNbProcessors: "8" });
      await db.job.update({ where: { id: job.id }, data: { state: "done", runInfo: JSON.stringify({ executor: "local", granted: 2 }) } });
      expect((await granted()).page).toBe(2);
    } finally {
      writeConfig();
    }
  });

  it("a single script with #QM array and hold lines becomes held elements, each script recording its index", async () => {
    const form = new FormData();
    const script = "#!/bin/sh\n#QM array=2,4\n#QM hold=yes\necho $QM_ARRAY_INDEX > out.txt\n";
    form.append("file", new Blob([script], { type: "text/x-sh" }), "scan.sh");
    const res = await routes.submit(req("/api/jobs", { method: "POST", body: form, headers: { "x-qm-csrf": "1" } }), ctx(0));
    expect(res.status).toBe(201);
    const { array: created } = await body<{ array: { id: number; jobIds: number[] } }>(res);
    const elements = await db.job.findMany({ where: { arrayId: created.id }, orderBy: { arrayIndex: "asc" } });
    expect(elements.map((e) => [e.name, e.state, e.arrayIndex])).toEqual([["scan_2", "held", 2], ["scan_4", "held", 4]]);
    expect(fs.readFileSync(path.join(qm, "QM_qJobs/scan_4/scan.sh"), "utf8")).toMatch(/^#QM array_index=4$/m);
  });

  it("bad queue fields name the field; an unknown parent is refused; nothing is left queued", async () => {
    const bad = await upload({ after_ok: "twelve", array: "9-1" });
    expect(bad.status).toBe(400);
    expect(Object.keys((await errorOf(bad)).details!).sort()).toEqual(["after_ok", "array"]);
    const unknown = await upload({ after_any: "424242" });
    expect(unknown.status).toBe(400);
    // The field typed in the form (or qm submit --after) is named, not the info file the value was written to.
    expect((await errorOf(unknown)).message).toMatch(/^after_any \(sent with the upload\) names job 424242, which does not exist yet/);
    // Past PostgreSQL's INTEGER: its query failed, a 500.
    for (const [field, value] of [["after_ok", "3000000000"], ["after_any", "array:3000000000"]]) {
      const huge = await upload({ [field]: value });
      expect(huge.status, value).toBe(400);
      expect((await errorOf(huge)).message, value).toMatch(/must list job ids .*; "(array:)?3000000000" is not one/);
    }
    const tooMany = await upload({}, "[QMOptions]\nscript = sh run.sh\narray = 1-5000\n");
    expect((await errorOf(tooMany)).message).toMatch(/array = 1-5000: it makes more than 1000 jobs/);
    expect(await db.job.count()).toBe(0);
    expect(fs.readdirSync(path.join(qm, "QM_qJobs"))).toEqual([]);
    // A parent that already failed: the wait could never be met (the job was queued only to be cancelled at once).
    const { job: failed } = await makeJob("failed");
    const never = await upload({ after_ok: String(failed.id) });
    expect(never.status).toBe(400);
    expect((await errorOf(never)).message).toBe(
      `after_ok (sent with the upload) names job ${failed.id}, which already ended failed: after_ok waits for jobs that end done, so this job could never start; requeue job ${failed.id} first (then it waits for the new run), or wait with after_any`,
    );
    expect((await upload({ after_any: String(failed.id) })).status).toBe(201);
  });
});

describe("arrays and estimates", () => {
  it("lists arrays with counts and progress, acts on a whole array, and shows each waiting job's estimate and reason", async () => {
    const res = await upload({ array: "1-4%1" });
    const { array: created } = await body<{ array: { id: number; jobIds: number[] } }>(res);
    const [first, second] = created.jobIds;
    // One element runs at 50%: the next one waits for the array's limit.
    await store.transition(first, planTransition("start", "queued", "running", { folder: "QM_Jobs/sweep_1", startedAt: new Date(Date.now() - 60_000), progress: 50 }));
    const listed = await body<ArraysAnswer>(await arrays(req("/api/arrays"), ctx(0)));
    expect(listed.arrays[0]).toMatchObject({ id: created.id, name: "sweep", spec: "1-4%1", maxRunning: 1, total: 4, counts: { running: 1, queued: 3 }, progress: 12.5 });

    const one = await body<ArrayAnswer>(await array(req(`/api/arrays/${created.id}`), ctx(created.id)));
    expect(one.jobs.map((j) => j.arrayIndex)).toEqual([1, 2, 3, 4]);
    expect(one.jobs[1].estimate!.reason).toBe("its array runs at most 1 element at a time (%1) and 1 is running; job " + first + " should end in ~1 min");
    expect(Date.parse(one.jobs[1].estimate!.startAt!) - Date.now()).toBeGreaterThan(50_000);

    const page = await body<JobAnswer>(await routes.job(req(`/api/jobs/${second}`), ctx(second)));
    expect(page.job.estimate!.reason).toBe(one.jobs[1].estimate!.reason);
    // Progress-based: the estimate moves with the clock, by milliseconds between two reads.
    expect(Math.abs(Date.parse(page.job.estimate!.startAt!) - Date.parse(one.jobs[1].estimate!.startAt!))).toBeLessThan(1000);
    expect(page.job.array).toMatchObject({ id: created.id, spec: "1-4%1" });
    const queuedList = await body<JobsAnswer>(await routes.list(req("/api/jobs?view=queued"), ctx(0)));
    expect(queuedList.jobs.find((j) => j.id === second)!.estimate!.reason).toMatch(/its array runs at most 1 element/);

    const heldAll = await arrayAction(post(`/api/arrays/${created.id}/hold`), { params: Promise.resolve({ id: String(created.id), action: "hold" }) });
    // The running element is said to be left running: "held 3" alone read as the whole array held.
    expect(await body(heldAll)).toEqual({ applied: created.jobIds.slice(1), skipped: [], refused: [], running: [first] });
    const heldList = await body<JobsAnswer>(await routes.list(req("/api/jobs?view=queued&state=held"), ctx(0)));
    expect(heldList.jobs.map((j) => [j.id, j.estimate!.reason])).toEqual(created.jobIds.slice(1).map((id) => [id, "held: it keeps its place in the queue but starts only once released"]));
    const bad = await arrayAction(post(`/api/arrays/${created.id}/explode`), { params: Promise.resolve({ id: String(created.id), action: "explode" }) });
    expect(bad.status).toBe(400);
    const anon = await arrayAction(post(`/api/arrays/${created.id}/release`, { "x-qm-csrf": "1" }), { params: Promise.resolve({ id: String(created.id), action: "release" }) });
    expect(anon.status).toBe(401);
    // Kill all: the waiting elements are cancelled, and said to be, apart from the running one asked to stop.
    const killed = await arrayAction(post(`/api/arrays/${created.id}/kill`), { params: Promise.resolve({ id: String(created.id), action: "kill" }) });
    expect(await body(killed)).toEqual({ applied: [...created.jobIds.slice(1), first], skipped: [], refused: [], cancelled: created.jobIds.slice(1) });
  });
});

describe("an array action on elements in other states", () => {
  it("tells elements handed to Slurm (pending there) from running ones, and those already in the state asked for", async () => {
    // With executor = slurm, hold --array counted elements pending in Slurm as "already running".
    const { array: created } = await body<{ array: { id: number; jobIds: number[] } }>(await upload({ array: "1-4" }));
    const [inSlurm, running, held, queued] = created.jobIds;
    await store.transition(inSlurm, planTransition("start", "queued", "pending", { folder: "QM_Jobs/sweep_1" }));
    await store.transition(running, planTransition("start", "queued", "running", { folder: "QM_Jobs/sweep_2", startedAt: new Date() }));
    await store.transition(held, planTransition("hold", "queued", "held"));
    const act = async (action: string) => body(await arrayAction(post(`/api/arrays/${created.id}/${action}`), { params: Promise.resolve({ id: String(created.id), action }) }));
    expect(await act("hold")).toEqual({ applied: [queued], skipped: [], refused: [], already: [held], running: [running], pending: [inSlurm] });
    expect(await act("release")).toEqual({ applied: [held, queued], skipped: [], refused: [] });
    // Nothing held: as for one job, not an error; the elements not held are said to be.
    expect(await act("release")).toEqual({ applied: [], skipped: [], refused: [], already: [held, queued] });
    expect(await act("delete")).toEqual({ applied: [held, queued], skipped: [], refused: [], running: [running], pending: [inSlurm] });
    expect(await act("kill")).toEqual({ applied: [inSlurm, running], skipped: [], refused: [], cancelled: [], pending: [inSlurm] });
  });
});

describe("an action refused to someone else", () => {
  it("names the account that submitted the job, not its e_mail, which may be the refused person's own", async () => {
    // The administrator submitted a held job with e_mail bob@lab.org: bob, releasing it, was
    // told "Job 166 is not yours (it belongs to bob@lab.org)".
    const { job } = await body<{ job: { id: number } }>(await upload({ e_mail: "bob@lab.org", hold: "yes" }, undefined, basic()));
    const refused = await release(post(`/api/jobs/${job.id}/release`, basicAs("bob")), ctx(job.id));
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toBe(`Job ${job.id} is not yours (it was submitted by admin); only its owner or the administrator may release it.`);
    // With Display_details = False, nobody is named.
    writeConfig({ Display_details: "False" });
    expect((await errorOf(await release(post(`/api/jobs/${job.id}/release`, basicAs("bob")), ctx(job.id)))).message).toBe(
      `Job ${job.id} is not yours; only its owner or the administrator may release it.`,
    );
    writeConfig();
  });
});

describe("an array action refused", () => {
  it("names the array, not its first element, when the caller may not act on it", async () => {
    // qm hold --array 2 by someone else said "array 2: Job 14 is not yours": a job they never named.
    const { array: created } = await body<{ array: { id: number; jobIds: number[] } }>(await upload({ array: "1-2" }));
    const res = await arrayAction(post(`/api/arrays/${created.id}/hold`, basicAs("bob")), { params: Promise.resolve({ id: String(created.id), action: "hold" }) });
    expect(res.status).toBe(403);
    expect((await errorOf(res)).message).toBe(`Array ${created.id} is not yours (it belongs to ann@lab.org); only its owner or the administrator may hold it.`);
  });
});

describe("estimates of an array's waiting elements", () => {
  it("take the length of an element from the running ones' progress while none is done", async () => {
    // Seen on the dashboard: a job after_ok array:8 (8 elements of 30 s, %3, the first three
    // at 40%) was expected "in ~15 s": the waiting elements were given the median of the
    // last done jobs (quick ones of 1 s) instead of the 30 s their running siblings showed.
    const { array: created } = await body<{ array: { id: number; jobIds: number[] } }>(await upload({ array: "1-3%1" }));
    const [first, , third] = created.jobIds;
    await store.transition(first, planTransition("start", "queued", "running", { folder: "QM_Jobs/sweep_1", startedAt: new Date(Date.now() - 60_000), progress: 50 }));
    const { job: quick } = await makeJob("done");
    await db.job.update({ where: { id: quick.id }, data: { startedAt: new Date(Date.now() - 2000), finishedAt: new Date(Date.now() - 1000) } });
    const page = await body<JobAnswer>(await routes.job(req(`/api/jobs/${third}`), ctx(third)));
    // Element 1 ends in ~60 s, element 2 then runs ~120 s as element 1 does: element 3 starts in ~180 s.
    const inSeconds = (Date.parse(page.job.estimate!.startAt!) - Date.now()) / 1000;
    expect(inSeconds).toBeGreaterThan(170);
    expect(inSeconds).toBeLessThan(190);
  });
});

describe("estimates while the worker is not running", () => {
  it("a waiting job has no start and says the worker is not running, instead of 'about to start'", async () => {
    // Seen stopping the worker (SIGTERM) mid-sweep: a job queued meanwhile was "about to
    // start: processors are free" for as long as the worker was down.
    const { job } = await makeJob("queued");
    const beat = (at: Date, stats: object) => writeHeartbeat(store.sql, { pid: 4242, host: "lab", startedAt: new Date(Date.now() - 3_600_000), at, stats: JSON.stringify(stats) });
    const estimate = async () => (await body<JobAnswer>(await routes.job(req(`/api/jobs/${job.id}`), ctx(job.id)))).job.estimate!;
    try {
      await beat(new Date(), { stopped: true });
      expect(await estimate()).toEqual({ startAt: null, reason: expect.stringMatching(/^the worker is not running: nothing starts until the administrator starts it again/) });
      await beat(new Date(Date.now() - 60_000), {});
      expect((await estimate()).reason).toMatch(/^the worker is not running/);
      await beat(new Date(), {});
      expect((await estimate()).reason).toBe("about to start: processors are free");
    } finally {
      await db.workerStatus.deleteMany();
    }
  });
});

describe("requeue and dependencies", () => {
  const requeue = (id: number) => routes.requeue(post(`/api/jobs/${id}/requeue`), ctx(id));

  it("a child of a parent cancelled for a deleted job is told it can never run, not to requeue the parent", async () => {
    // Seen deleting a held job A with B after_ok A and D after_ok B: qm requeue D said
    // "requeue job B first", and qm requeue B then said B could never run.
    const { job: a } = await makeJob("done");
    const { job: b } = await makeJob("cancelled");
    const { job: d } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: b.id, parentId: a.id, kind: "after_ok" } });
    await db.jobDependency.create({ data: { jobId: d.id, parentId: b.id, kind: "after_ok" } });
    await db.job.update({ where: { id: a.id }, data: { state: "deleted" } });
    const refused = await requeue(d.id);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toBe(
      `Job ${d.id} waits (after_ok) for job ${b.id}, which ended cancelled and can never run again (job ${b.id} waited for job ${a.id}, which was deleted), so it would be cancelled again at once; it can never run: submit it again without that wait.`,
    );
  });

  it("a child cancelled for its after_ok parent is requeued only once the parent is, with a message saying so", async () => {
    // Seen with `qm requeue 7 3` (the child first): "job 7: requeued", then the worker
    // cancelled it again at once, and it never ran.
    const { job: parent } = await makeJob("failed");
    const { job: child } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: child.id, parentId: parent.id, kind: "after_ok" } });
    const refused = await requeue(child.id);
    expect(refused.status).toBe(409);
    expect((await errorOf(refused)).message).toBe(`Job ${child.id} waits (after_ok) for job ${parent.id}, which ended failed, so it would be cancelled again at once; requeue job ${parent.id} first.`);
    expect((await db.job.findUniqueOrThrow({ where: { id: child.id } })).state).toBe("cancelled");
    expect((await requeue(parent.id)).status).toBe(200);
    expect((await requeue(child.id)).status).toBe(200);
    expect((await db.job.findUniqueOrThrow({ where: { id: child.id } })).state).toBe("queued");
  });

  it("the job's answer does not offer a requeue the server would refuse: `refused` gives the refusal before anyone asks", async () => {
    // Seen on a job cancelled for a failed parent: the page and qm show offered "requeue",
    // and the server then refused it. `can` says who may act; `refused` whether it can succeed.
    const answerOf = async (id: number, headers = basic()) => body<JobAnswer>(await routes.job(req(`/api/jobs/${id}`, { headers }), ctx(id)));
    const { job: a } = await makeJob("done");
    const { job: b } = await makeJob("cancelled");
    const { job: c } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: b.id, parentId: a.id, kind: "after_ok" } });
    await db.jobDependency.create({ data: { jobId: c.id, parentId: b.id, kind: "after_ok" } });
    await db.job.update({ where: { id: a.id }, data: { state: "deleted" } });
    const refusedNow = await answerOf(c.id);
    expect(refusedNow.can.requeue).toBe(true);
    const server = await errorOf(await requeue(c.id));
    expect(refusedNow.refused).toEqual({ requeue: server.message });
    expect(server.message).toMatch(/it can never run: submit it again without that wait\.$/);
    // Its owner is told too; someone who may not requeue it is told nothing about it.
    expect((await answerOf(c.id, basicAs("ann"))).refused).toEqual({ requeue: server.message });
    expect(await answerOf(c.id, basicAs("bob"))).toMatchObject({ can: { requeue: false }, refused: {} });

    // A failed parent: the child's requeue is refused until the parent is requeued, then offered.
    const { job: parent } = await makeJob("failed");
    const { job: child } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: child.id, parentId: parent.id, kind: "after_ok" } });
    expect((await answerOf(parent.id)).refused).toEqual({});
    expect((await answerOf(child.id)).refused?.requeue).toBe(`Job ${child.id} waits (after_ok) for job ${parent.id}, which ended failed, so it would be cancelled again at once; requeue job ${parent.id} first.`);
    expect((await requeue(parent.id)).status).toBe(200);
    expect((await answerOf(child.id)).refused).toEqual({});

    // A folder removed by hand: refused as the requeue would be, not offered.
    const { job: gone, full } = await makeJob("failed");
    fs.rmSync(full, { recursive: true });
    expect((await answerOf(gone.id)).refused).toEqual({ requeue: (await errorOf(await requeue(gone.id))).message });
  });

  it("after_any and a deleted after_ok parent: the first requeues, the second says it can never run", async () => {
    const { job: parent } = await makeJob("failed");
    const { job: anyChild } = await makeJob("done");
    await db.jobDependency.create({ data: { jobId: anyChild.id, parentId: parent.id, kind: "after_any" } });
    expect((await requeue(anyChild.id)).status).toBe(200);
    const { job: gone } = await makeJob("failed");
    await db.job.update({ where: { id: gone.id }, data: { state: "deleted" } }); // as a delete leaves the row
    const { job: orphan } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: orphan.id, parentId: gone.id, kind: "after_ok" } });
    expect((await errorOf(await requeue(orphan.id))).message).toMatch(new RegExp(`waits \\(after_ok\\) for job ${gone.id}, which was deleted, so it would be cancelled again at once; it can never run`));
  });

  it("a parent whose folder retention removed cannot be requeued: the child is told to submit again, not to requeue it", async () => {
    const { job: parent } = await makeJob("failed");
    const { job: child } = await makeJob("cancelled");
    await db.jobDependency.create({ data: { jobId: child.id, parentId: parent.id, kind: "after_ok" } });
    await db.job.update({ where: { id: parent.id }, data: { purgedAt: new Date() } });
    expect((await errorOf(await requeue(parent.id))).message).toMatch(/removed by the retention pass/);
    expect((await errorOf(await requeue(child.id))).message).toBe(
      `Job ${child.id} waits (after_ok) for job ${parent.id}, which ended failed and can never run again (its folder was removed by the retention pass), so it would be cancelled again at once; it can never run: submit it again without that wait.`,
    );
  });

  it("an array's requeue lists such elements as refused, with the reason, instead of counting them as changed meanwhile", async () => {
    const { job: parent } = await makeJob("killed");
    const created = await db.jobArray.create({ data: { name: "sweep", spec: "1-2" } });
    for (const index of [1, 2]) {
      const { job } = await makeJob("cancelled");
      await db.job.update({ where: { id: job.id }, data: { arrayId: created.id, arrayIndex: index } });
      await db.jobDependency.create({ data: { jobId: job.id, parentId: parent.id, kind: "after_ok" } });
    }
    const res = await arrayAction(post(`/api/arrays/${created.id}/requeue`), { params: Promise.resolve({ id: String(created.id), action: "requeue" }) });
    expect(res.status).toBe(200);
    const answer = await body<{ applied: number[]; skipped: number[]; refused: { id: number; reason: string }[] }>(res);
    expect(answer.applied).toEqual([]);
    expect(answer.skipped).toEqual([]);
    expect(answer.refused).toHaveLength(2);
    for (const r of answer.refused) expect(r.reason).toMatch(new RegExp(`which ended killed, so it would be cancelled again at once; requeue job ${parent.id} first\\.$`));
  });

  it("the array's answer says beforehand which elements a requeue would refuse, as the requeue then does", async () => {
    // The array page offered "Requeue unfinished" when every unfinished element would be refused
    // (cancelled for a deleted after_ok parent): `refused` now says so before anyone presses it.
    const { job: gone } = await makeJob("failed");
    await db.job.update({ where: { id: gone.id }, data: { state: "deleted" } });
    const created = await db.jobArray.create({ data: { name: "sweep", spec: "1-4" } });
    const element = async (index: number, state: string, parentId?: number) => {
      const made = await makeJob(state);
      await db.job.update({ where: { id: made.job.id }, data: { arrayId: created.id, arrayIndex: index } });
      if (parentId) await db.jobDependency.create({ data: { jobId: made.job.id, parentId, kind: "after_ok" } });
      return made;
    };
    const [first, second] = [await element(1, "cancelled", gone.id), await element(2, "cancelled", gone.id)];
    await element(3, "done");
    const answerOf = async (headers = basic()) => body<ArrayAnswer>(await array(req(`/api/arrays/${created.id}`, { headers }), ctx(created.id)));
    const requeueArray = async () => body<{ applied: number[]; refused: { id: number; reason: string }[] }>(
      await arrayAction(post(`/api/arrays/${created.id}/requeue`), { params: Promise.resolve({ id: String(created.id), action: "requeue" }) }),
    );

    // Every unfinished element refused (the done one is not among those a requeue fits).
    const none = await answerOf();
    expect(none.can.requeue).toBe(true);
    expect(none.refused).toEqual({ requeue: { refused: [first.job.id, second.job.id], of: 2, reason: expect.stringMatching(/which was deleted, so it would be cancelled again at once; it can never run/) } });
    const refusedNow = await requeueArray();
    expect(refusedNow.applied).toEqual([]);
    expect(none.refused!.requeue!.reason).toBe(refusedNow.refused[0].reason);
    // Its owner is told too; someone who may not requeue it is told nothing about it.
    expect((await answerOf(basicAs("ann"))).refused).toEqual(none.refused);
    expect(await answerOf(basicAs("bob"))).toMatchObject({ can: { requeue: false }, refused: {} });

    // One that could go back beside them: two of three refused; and a folder gone by hand is refused as the requeue would be.
    const { job: failed } = await element(4, "failed");
    expect((await answerOf()).refused).toEqual({ requeue: { refused: [first.job.id, second.job.id], of: 3, reason: none.refused!.requeue!.reason } });
    // (it was counted as "changed meanwhile" by the requeue itself).
    const lost = await element(5, "failed");
    fs.rmSync(lost.full, { recursive: true });
    // And one whose folder the retention pass removed (its row says so; the folder may still be on its way out).
    const { job: purged } = await element(6, "failed");
    await db.job.update({ where: { id: purged.id }, data: { purgedAt: new Date() } });
    expect((await answerOf()).refused!.requeue).toMatchObject({ refused: [first.job.id, second.job.id, lost.job.id, purged.id], of: 5 });
    const some = await requeueArray();
    expect(some).toMatchObject({ applied: [failed.id], skipped: [] });
    expect(some.refused.map((r) => r.id)).toEqual([first.job.id, second.job.id, lost.job.id, purged.id]);
    expect(some.refused[2].reason).toBe(`Job ${lost.job.id}'s folder (${lost.job.folder}) is not there any more; it cannot be requeued.`);
    expect(some.refused[3].reason).toBe(`Job ${purged.id}'s folder was removed by the retention pass (Keep_Days, Keep_Max_GB); it cannot be requeued.`);
    // With nothing left that could go back, the answer says every unfinished one is refused again.
    expect((await answerOf()).refused?.requeue).toMatchObject({ refused: [first.job.id, second.job.id, lost.job.id, purged.id], of: 4 });
  });
});
