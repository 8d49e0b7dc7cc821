/**
 * qm show, qm wait, qm submit, qm requeue --array, qm update, qm pause and qm download's
 * file names against a fake QueueManager: a node:http server answering the JSON
 * API's requests with the shapes of lib/core/api-types.ts, so each answer is the one a test needs.
 */
import fs from "node:fs";
import http from "node:http";
import type { AddressInfo } from "node:net";
import os from "node:os";
import path from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { JobAnswer, JobDetail, Permissions } from "../lib/core/api-types";
import { zipNameOf } from "./commands/files";
import { type CliIo, run } from "./run";
import { credentialsFile, readCredentialsFile, writeCredentialsFile } from "./credentials";

/**
 * What the fake answers to `METHOD path`: a body (200), or a status and body; a function
 * is asked at each request, with the request's body, and may answer later (a promise).
 */
type Answer = unknown | { status: number; body: unknown };
let answers: Record<string, Answer | ((body: Buffer) => Answer | Promise<Answer>)> = {};
let server: http.Server;
let url: string;

beforeAll(async () => {
  server = http.createServer(async (req, res) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const found = answers[`${req.method} ${req.url}`];
    const answer = typeof found === "function" ? await found(Buffer.concat(chunks)) : found;
    const [status, body] = answer === undefined ? [404, { error: { code: "NOT_FOUND", message: "no such route in the fake" } }] : answer && typeof answer === "object" && "status" in answer ? [answer.status, answer.body] : [200, answer];
    res.writeHead(status as number, { "content-type": "application/json" }).end(JSON.stringify(body));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
beforeEach(() => {
  answers = {};
});

function io(): CliIo & { stdout: string[]; stderr: string[] } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return { env: { QM_URL: url } as unknown as NodeJS.ProcessEnv, stdout, stderr, out: (t) => stdout.push(t), err: (t) => stderr.push(t), prompt: async () => "", sleep: async () => undefined };
}

const NOBODY: Permissions = { kill: false, delete: false, requeue: false, hold: false, release: false, pause: false };
/** What its owner may do when QMserv.cfg has Licence_to_kill = False and Delete_Jobs = False. */
const OWNER_SWITCHED_OFF: Permissions = { ...NOBODY, requeue: true, hold: true, release: true };

function jobAnswer(job: Partial<JobDetail>, can: Permissions): JobAnswer {
  const detail: JobDetail = {
    id: 49, name: "fit-49", state: "queued", owner: "ann@lab.org", account: "ann", info: null, nbProc: 1, nbGpu: 0, priority: 0, source: "upload",
    submittedAt: "2025-01-01T10:00:00Z", startedAt: null, finishedAt: null, exitCode: null, signal: null, progress: null, killRequested: false, error: null,
    imported: false, slurm: null, arrayId: null, arrayIndex: null, resources: { granted: 1, cpus: null, gpus: null, memMb: null, walltimeSeconds: null, runAs: null },
    dependsOn: [], array: null, fairShare: null, script: "sh run.sh", folder: "QM_qJobs/fit-49", params: null, cpuSeconds: null, peakMemoryKb: null,
    purgedAt: null, gpuMemPeakMb: null, gpuUtilMean: null, events: [], ...job,
  };
  return { job: detail, can, serverTime: "2025-01-01T12:00:00Z" };
}

describe("qm show", () => {
  it("shows an event's detail as the job page does, not as JSON", async () => {
    const detail = JSON.stringify({ by: "admin", previous: { state: "invalid", folder: "QM_lost+found/fit-49", exitCode: null } });
    answers["GET /api/jobs/49"] = jobAnswer({ events: [{ at: "2025-01-01T11:00:00Z", kind: "requeued", detail }, { at: "2025-01-01T11:00:01Z", kind: "note", detail: "plain words" }] }, OWNER_SWITCHED_OFF);
    const x = io();
    expect(await run(["show", "49"], x)).toBe(0);
    const out = x.stdout.join("\n");
    expect(out).toMatch(/requeued +by: admin; previous: state=invalid, folder=QM_lost\+found\/fit-49$/m);
    expect(out).toMatch(/note +plain words$/m);
    expect(out).not.toContain('{"by"');
  });

  it("says 'nothing in this state' only when no action fits the job", async () => {
    const youMay = async (job: Partial<JobDetail>, can: Permissions) => {
      answers["GET /api/jobs/49"] = jobAnswer(job, can);
      const x = io();
      expect(await run(["show", "49"], x)).toBe(0);
      return /^you may: +(.*)$/m.exec(x.stdout.join("\n"))?.[1];
    };
    // Running, but Licence_to_kill = False: the state allows a kill, the server's settings do not.
    expect(await youMay({ state: "running", startedAt: "2025-01-01T11:00:00Z" }, OWNER_SWITCHED_OFF)).toBe("nothing");
    expect(await youMay({ state: "running", startedAt: "2025-01-01T11:00:00Z", killRequested: true }, OWNER_SWITCHED_OFF)).toBe("nothing in this state");
    expect(await youMay({ state: "queued" }, OWNER_SWITCHED_OFF)).toBe("hold");
    // Pending in Slurm's queue: killable (it said "nothing in this state", though qm kill worked).
    expect(await youMay({ state: "pending" }, { ...OWNER_SWITCHED_OFF, kill: true })).toBe("kill");
    expect(await youMay({ state: "running", startedAt: "2025-01-01T11:00:00Z" }, NOBODY)).toBe("nothing (not your job, or not logged in)");
  });

  it("does not list among what you may do an action the server says it would refuse now, and says why", async () => {
    // A job cancelled for its failed after_ok parent showed "you may: requeue, delete", and qm requeue was then refused.
    const reason = "Job 49 waits (after_ok) for job 48, which ended failed, so it would be cancelled again at once; requeue job 48 first.";
    answers["GET /api/jobs/49"] = { ...jobAnswer({ state: "cancelled", finishedAt: "2025-01-01T11:00:00Z", dependsOn: [{ parentId: 48, kind: "after_ok", state: "failed" }] }, OWNER_SWITCHED_OFF), refused: { requeue: reason } };
    const x = io();
    expect(await run(["show", "49"], x)).toBe(0);
    expect(x.stdout.join("\n")).toMatch(/^you may: +nothing$/m);
    expect(x.stdout.join("\n")).toContain(`but not:     requeue (${reason})`);
    // An older server sends no `refused`: requeue is listed as before.
    answers["GET /api/jobs/49"] = jobAnswer({ state: "cancelled", finishedAt: "2025-01-01T11:00:00Z" }, OWNER_SWITCHED_OFF);
    const older = io();
    expect(await run(["show", "49"], older)).toBe(0);
    expect(older.stdout.join("\n")).toMatch(/^you may: +requeue$/m);
    expect(older.stdout.join("\n")).not.toContain("but not");
  });

  it("says a kill was requested only while the job still runs", async () => {
    const stateLine = async (job: Partial<JobDetail>) => {
      answers["GET /api/jobs/49"] = jobAnswer(job, NOBODY);
      const x = io();
      expect(await run(["show", "49"], x)).toBe(0);
      return /^state: +(.*)$/m.exec(x.stdout.join("\n"))?.[1];
    };
    expect(await stateLine({ state: "running", startedAt: "2025-01-01T11:00:00Z", killRequested: true })).toBe("running (kill requested)");
    // Killed: the request is kept on the job, but it is over.
    expect(await stateLine({ state: "killed", startedAt: "2025-01-01T11:00:00Z", finishedAt: "2025-01-01T11:01:00Z", signal: "SIGTERM", killRequested: true })).toBe("killed");
  });
});

describe("qm show of a waiting job", () => {
  it("says what it waits for, when it should start and why, as the job page does", async () => {
    // A queued job's qm show said only "queued": not that the queue was paused, nor which
    // jobs it waited for, which the job page and the API tell.
    const dependsOn = [3, 4, 5, 6, 7, 8, 9].map((parentId) => ({ parentId, kind: "after_ok", state: parentId === 3 ? "done" : "running" }));
    const reason = "waiting for job 4, job 5, job 6, job 7, job 8 and 1 more to finish successfully (after_ok); job 4 should end in ~4 min";
    answers["GET /api/jobs/49"] = jobAnswer({ dependsOn, estimate: { startAt: "2025-01-01T12:05:00Z", reason } }, OWNER_SWITCHED_OFF);
    const x = io();
    expect(await run(["show", "49"], x)).toBe(0);
    const out = x.stdout.join("\n");
    expect(out).toMatch(/^waits for: +job 3 \(after_ok, done\), job 4 \(after_ok, running\), job 5 .*, job 7 \(after_ok, running\) and 2 more$/m);
    expect(out).toMatch(/^expected: +.+ \(in ~5 min\)$/m);
    expect(out).toContain(`why waiting: ${reason}`);

    answers["GET /api/jobs/49"] = jobAnswer({ estimate: { startAt: null, reason: "the queue is paused: nothing starts until the administrator resumes it" } }, OWNER_SWITCHED_OFF);
    const paused = io();
    expect(await run(["show", "49"], paused)).toBe(0);
    expect(paused.stdout.join("\n")).toMatch(/^expected: +cannot be told yet\nwhy waiting: the queue is paused/m);
    expect(paused.stdout.join("\n")).not.toContain("waits for");
  });
});

describe("qm show of a job handed to Slurm", () => {
  it("says where Slurm has it and, while it is pending there, Slurm's reason, as the job page does", async () => {
    // qm show said "state: pending" and nothing more: not that Slurm held it, nor which Slurm job it was.
    const slurm = { executor: "slurm" as const, slurmJobId: "8", slurmState: "PENDING", node: null, reason: "JobHeldAdmin", partition: "gpu" };
    answers["GET /api/jobs/49"] = jobAnswer({ state: "pending", nbGpu: 2, slurm, folder: "QM_Jobs/fit-49", resources: { granted: 1, cpus: null, gpus: "2, chosen by Slurm", memMb: null, walltimeSeconds: null, runAs: null } }, OWNER_SWITCHED_OFF);
    const pending = io();
    expect(await run(["show", "49"], pending)).toBe(0);
    expect(pending.stdout.join("\n")).toMatch(/^Slurm: +job 8, PENDING, partition gpu$/m);
    // With what the reason means: a job held by the cluster's administrator does not start by itself.
    expect(pending.stdout.join("\n")).toMatch(/^why waiting: pending in Slurm \(JobHeldAdmin: held in Slurm by the cluster's administrator: it starts once they release it\)$/m);

    answers["GET /api/jobs/49"] = jobAnswer({ state: "running", startedAt: "2025-01-01T11:00:00Z", slurm: { ...slurm, slurmState: "RUNNING", reason: null, node: "node07" } }, OWNER_SWITCHED_OFF);
    const running = io();
    expect(await run(["show", "49"], running)).toBe(0);
    expect(running.stdout.join("\n")).toMatch(/^Slurm: +job 8, RUNNING, partition gpu, on node07$/m);
    expect(running.stdout.join("\n")).not.toContain("why waiting");
  });
});

describe("qm stats", () => {
  it("shows GPU-hours per owner and in total once jobs had GPUs, as the statistics page does", async () => {
    // The page and the API counted GPU-hours; qm stats left them out.
    const owner = (name: string, gpuSeconds: number) => ({
      owner: name, jobs: 2, done: 2, failures: 0, cpuSeconds: 60, wallSeconds: 7200, meanWallSeconds: 3600, cpuEfficiency: 50, timeouts: 0, ooms: 0, gpuSeconds,
    });
    const { owner: _o, ...totals } = owner("", 16_200);
    answers["GET /api/stats?days=30"] = { owners: [owner("ann@lab.org", 14_400), owner("bob@lab.org", 1_800)], totals, days: [] };
    const x = io();
    expect(await run(["stats"], x)).toBe(0);
    const out = x.stdout.join("\n");
    expect(out).toMatch(/^OWNER +JOBS +DONE +FAILED +CPU +WALL +MEAN WALL +GPU-HOURS$/m);
    expect(out).toMatch(/^ann@lab\.org .* 4\.00$/m);
    expect(out).toMatch(/^bob@lab\.org .* 0\.50$/m);
    expect(out).toMatch(/^TOTAL .* 4\.50$/m);

    answers["GET /api/stats?days=30"] = { owners: [owner("ann@lab.org", 0)], totals: { ...totals, gpuSeconds: 0 }, days: [] };
    const none = io();
    expect(await run(["stats"], none)).toBe(0);
    expect(none.stdout.join("\n")).not.toContain("GPU");
  });
});

describe("qm delete --array", () => {
  it("says which elements it left running, not only how many it deleted", async () => {
    // "array 12: deleted 3 element(s)" while two elements ran on: read as the array gone.
    answers["POST /api/arrays/12/delete"] = { applied: [70, 71, 72], skipped: [], running: [68, 69] };
    answers["POST /api/arrays/13/delete"] = { applied: [80], skipped: [] };
    const x = io();
    expect(await run(["delete", "--array", "12", "13"], x)).toBe(0);
    expect(x.stdout).toEqual(["array 12: deleted 3 element(s); 2 running left as they are (qm kill --array 12 first)", "array 13: deleted 1 element(s)"]);
  });
});

describe("qm hold --array", () => {
  it("counts the running elements it could not hold", async () => {
    // "array 12: held 7 element(s)" while three ran on: read as the whole array held.
    answers["POST /api/arrays/12/hold"] = { applied: [70, 71, 72, 73, 74, 75, 76], skipped: [], refused: [], running: [67, 68, 69] };
    answers["POST /api/arrays/13/hold"] = { applied: [], skipped: [], refused: [], running: [80] };
    const x = io();
    expect(await run(["hold", "--array", "12", "13"], x)).toBe(1);
    expect(x.stdout).toEqual(["array 12: held 7 element(s); 3 already running, not held"]);
    expect(x.stderr).toEqual(["array 13: nothing held: 1 already running, not held"]);
  });
});

describe("qm hold|delete|kill --array with elements handed to Slurm", () => {
  it("says they are pending in Slurm, not running", async () => {
    // With executor = slurm, elements pending in Slurm were counted as "already running".
    answers["POST /api/arrays/12/hold"] = { applied: [70], skipped: [], refused: [], running: [67], pending: [68, 69], already: [71] };
    answers["POST /api/arrays/13/delete"] = { applied: [80], skipped: [], refused: [], pending: [81] };
    answers["POST /api/arrays/14/kill"] = { applied: [90, 91, 92], skipped: [], refused: [], cancelled: [90], pending: [91] };
    const x = io();
    expect(await run(["hold", "--array", "12"], x)).toBe(0);
    expect(await run(["delete", "--array", "13"], x)).toBe(0);
    expect(await run(["kill", "--array", "14"], x)).toBe(0);
    expect(x.stdout).toEqual([
      "array 12: held 1 element(s); 1 already held; 1 already running and 2 handed to Slurm (pending there), not held",
      "array 13: deleted 1 element(s); 1 handed to Slurm (pending there) left as they are (qm kill --array 13 first)",
      "array 14: cancelled 1 waiting element(s), kill requested 1 running and 1 handed to Slurm (pending there)",
    ]);
  });
});

describe("qm kill --array", () => {
  it("tells the waiting elements it cancelled from the running ones it asked to stop", async () => {
    // "array 11: kill requested 4 element(s)" while two were waiting and were cancelled at once.
    answers["POST /api/arrays/11/kill"] = { applied: [96, 97, 94, 95], skipped: [], refused: [], cancelled: [96, 97] };
    answers["POST /api/arrays/12/kill"] = { applied: [98], skipped: [], refused: [], cancelled: [] };
    answers["POST /api/arrays/13/kill"] = { applied: [99], skipped: [], refused: [], cancelled: [99] };
    const x = io();
    expect(await run(["kill", "--array", "11", "12", "13"], x)).toBe(0);
    expect(x.stdout).toEqual(["array 11: cancelled 2 waiting element(s), kill requested 2 running", "array 12: kill requested 1 element(s)", "array 13: cancelled 1 waiting element(s)"]);
  });
});

describe("qm log of a job that never ran", () => {
  it("says there is no process.log and why, instead of printing nothing", async () => {
    // qm log -f of a job cancelled for its after_ok parent ended silently, exit 0: it looked
    // like a run that had written nothing.
    const empty = { offset: 0, nextOffset: 0, size: 0, text: "", reset: false, exists: false };
    let reads = 0;
    answers["GET /api/jobs/73/log"] = () => ({ ...empty, state: reads++ ? "cancelled" : "queued" });
    answers["GET /api/jobs/73/log?offset=0"] = () => ({ ...empty, state: reads++ > 1 ? "cancelled" : "queued" });
    const x = io();
    expect(await run(["log", "-f", "73"], x)).toBe(0);
    expect(x.stdout).toEqual([]);
    expect(x.stderr).toEqual([
      "qm log: job 73 is queued and has no process.log yet; waiting for it to start (Ctrl-C to stop)",
      "qm log: job 73 ended cancelled and has no process.log (qm show 73 says more)",
    ]);

    const queued = io();
    answers["GET /api/jobs/74/log"] = { ...empty, state: "held" };
    expect(await run(["log", "74"], queued)).toBe(0);
    expect(queued.stderr).toEqual(["qm log: job 74 is held and has no process.log yet (qm log -f 74 waits for it)"]);

    // -f of a held job printed nothing at all while it waited.
    let heldReads = 0;
    answers["GET /api/jobs/75/log"] = { ...empty, state: "held" };
    answers["GET /api/jobs/75/log?offset=0"] = () =>
      ++heldReads < 3 ? { ...empty, state: "held" } : { offset: 0, nextOffset: 3, size: 3, text: "hi\n", reset: false, exists: true, state: "done" };
    answers["GET /api/jobs/75/log?offset=3"] = { offset: 3, nextOffset: 3, size: 3, text: "", reset: false, exists: true, state: "done" };
    const held = io();
    expect(await run(["log", "-f", "75"], held)).toBe(0);
    expect(held.stdout).toEqual(["hi"]);
    expect(held.stderr).toEqual(["qm log: job 75 is held and has no process.log yet; waiting for it to start (qm release 75 lets it) (Ctrl-C to stop)"]);
  });
});

describe("qm log -f", () => {
  it("follows the log through a restart of the server, and says so", async () => {
    const log = (text: string, offset: number, state: string) => ({ text, offset, nextOffset: offset + text.length, size: offset + text.length, reset: false, exists: true, state });
    answers["GET /api/jobs/49/log"] = log("step 1\n", 0, "running");
    const reads = [{ status: 503, body: { error: { code: "UNAVAILABLE", message: "The database does not answer." } } }, log("step 2\n", 7, "done")];
    answers["GET /api/jobs/49/log?offset=7"] = () => reads.shift();
    answers["GET /api/jobs/49/log?offset=14"] = log("", 14, "done");
    const x = io();
    expect(await run(["log", "-f", "49"], x)).toBe(0);
    expect(x.stdout).toEqual(["step 1", "step 2"]);
    expect(x.stderr).toEqual(["qm log: The database does not answer; trying again for up to 10 min (Ctrl-C to stop)", "qm log: QueueManager answers again"]);
  });

  it("repaints a progress bar in place on a terminal, and writes its last state once on a line when redirected", async () => {
    // Each read ended with a newline: a tqdm bar came out as one line per repaint, in a
    // file as on the terminal (where it scrolled instead of repainting).
    const pieces = ["fitting\n\r  0%|          | 0/20", "\r 45%|####      | 9/20", "\r100%|##########| 20/20\r\nfit done\n", ""];
    let offset = 0;
    for (const [i, text] of pieces.entries()) {
      const answer = { text, offset, nextOffset: offset + text.length, size: offset + text.length, reset: false, exists: true, state: i < 2 ? "running" : "done" };
      answers[i ? `GET /api/jobs/51/log?offset=${offset}` : "GET /api/jobs/51/log"] = answer;
      offset += text.length;
    }
    const piped = io();
    expect(await run(["log", "-f", "51"], piped)).toBe(0);
    expect(piped.stdout.join("\n").split("\n")).toEqual(["fitting", "100%|##########| 20/20", "fit done"]);

    let shown = "";
    const tty = { ...io(), rawOut: Object.assign(new Writable({ write: (chunk, _e, done) => ((shown += String(chunk)), done()) }), { isTTY: true }) };
    expect(await run(["log", "-f", "51"], tty)).toBe(0);
    expect(shown).toBe(pieces.join(""));
    expect(tty.stdout).toEqual([]);
  });
});

describe("qm ls -s", () => {
  it("looks for the state in the list that holds it", async () => {
    // qm ls -s killed printed an empty table: it looked among the running and queued jobs.
    const job = { ...jobAnswer({ id: 61, name: "sweep_3", state: "killed", signal: "SIGTERM" }, NOBODY).job };
    answers["GET /api/jobs?view=finished&pageSize=50&state=killed"] = { jobs: [job], total: 1, page: 1, pageSize: 50, serverTime: "2025-01-01T12:00:00Z" };
    const x = io();
    expect(await run(["ls", "-s", "killed"], x)).toBe(0);
    expect(x.stdout.join("\n")).toMatch(/^61 +sweep_3 +killed /m);
    const wrong = io();
    expect(await run(["ls", "-q", "-s", "killed"], wrong)).toBe(2);
    expect(wrong.stderr.join("\n")).toContain("--state killed is not a state of the queued jobs (-q); leave -q out, or use -a");
  });
});

describe("qm ls -q", () => {
  it("shows a PRIO column once a listed job has a priority, as the queue's order depends on it", async () => {
    const page = (jobs: unknown[]) => ({ jobs, total: jobs.length, page: 1, pageSize: 50, serverTime: "2025-01-01T12:00:00Z" });
    const queued = (id: number, priority: number) => jobAnswer({ id, name: `fit-${id}`, priority }, NOBODY).job;
    answers["GET /api/jobs?view=queued&pageSize=50"] = page([queued(7, 5), queued(5, 0)]);
    const x = io();
    expect(await run(["ls", "-q"], x)).toBe(0);
    const lines = x.stdout.join("\n").split("\n");
    expect(lines[0]).toMatch(/^ID +NAME +STATE +OWNER +PROCS +PRIO +SUBMITTED/);
    expect(lines[1]).toMatch(/^7 +fit-7 +queued +ann +1 +5 /);
    answers["GET /api/jobs?view=queued&pageSize=50"] = page([queued(5, 0)]);
    const plain = io();
    expect(await run(["ls", "-q"], plain)).toBe(0);
    expect(plain.stdout.join("\n")).not.toContain("PRIO");
  });

  it("PROCS are the processors a job gets (nb_proc 4 waits to run on MaxNbProcessors = 2), not what it asked", async () => {
    const page = { jobs: [jobAnswer({ id: 8, name: "wide", nbProc: 4, resources: { granted: 2, cpus: null, gpus: null, memMb: null, walltimeSeconds: null, runAs: null } }, NOBODY).job], total: 1, page: 1, pageSize: 50, serverTime: "2025-01-01T12:00:00Z" };
    answers["GET /api/jobs?view=queued&pageSize=50"] = page;
    const x = io();
    expect(await run(["ls", "-q"], x)).toBe(0);
    expect(x.stdout.join("\n").split("\n")[1]).toMatch(/^8 +wide +queued +ann +2 +/);
  });
});

describe("the server's text on the terminal", () => {
  // A lab member's info file, a job's output or a server that is not QueueManager decide
  // these strings; before, their ESC sequences (clear the screen, rename the window, write
  // the clipboard through OSC 52) went to the terminal as they were.
  const ESC = "\u001b";
  const hostile = `fit${ESC}]0;PWNED\u0007${ESC}[2J${ESC}]52;c;cm0gLXJmIH4=\u0007\u009b31m`;
  /** No control character but newline (and, in a log, tab and carriage return). */
  const noControls = (text: string, inLog = false) => expect(text).not.toMatch(inLog ? /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f-\u009f]/ : /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/);

  it("qm show, ls, log, wait and the errors write control characters as escapes; a value cannot fake a line; --json keeps the data", async () => {
    answers["GET /api/jobs/49"] = jobAnswer({ info: hostile, owner: `ann@lab.org\ryou may:     kill`, script: `sh run.sh\nyou may:     kill`, events: [{ at: "2025-01-01T11:00:00Z", kind: "note", detail: hostile }] }, NOBODY);
    const shown = io();
    expect(await run(["show", "49"], shown)).toBe(0);
    const out = shown.stdout.join("\n");
    noControls(out);
    expect(out).toContain("info:        fit\\u001b]0;PWNED\\u0007\\u001b[2J");
    expect(out.match(/^you may:/gm)).toHaveLength(1);
    expect(out).toMatch(/^owner: +ann@lab\.org\\u000dyou may: +kill$/m);

    const json = io();
    expect(await run(["show", "49", "--json"], json)).toBe(0);
    noControls(json.stdout.join("\n"));
    expect((JSON.parse(json.stdout.join("")) as JobAnswer).job.info).toBe(hostile);

    answers["GET /api/jobs?view=all&pageSize=50"] = { jobs: [{ ...jobAnswer({ name: hostile, account: null, owner: hostile }, NOBODY).job }], total: 1, page: 1, pageSize: 50, serverTime: "2025-01-01T12:00:00Z" };
    const listed = io();
    expect(await run(["ls", "-a"], listed)).toBe(0);
    noControls(listed.stdout.join("\n"));
    expect(listed.stdout.join("\n").split("\n")).toHaveLength(2);

    answers["GET /api/jobs/49/log"] = { text: `progress 1 / 2\rprogress 2 / 2\n${hostile}\n`, offset: 0, nextOffset: 40, size: 40, reset: false, exists: true, state: "done" };
    let onTerminal = "";
    const logged = { ...io(), rawOut: Object.assign(new Writable({ write: (chunk, _e, done) => ((onTerminal += String(chunk)), done()) }), { isTTY: true }) };
    expect(await run(["log", "49"], logged)).toBe(0);
    noControls(onTerminal, true);
    expect(onTerminal).toContain("progress 1 / 2\rprogress 2 / 2\nfit\\u001b]0;PWNED");
    const redirected = io();
    expect(await run(["log", "49"], redirected)).toBe(0);
    noControls(redirected.stdout.join("\n"));
    expect(redirected.stdout.join("\n")).toContain("progress 2 / 2\nfit\\u001b]0;PWNED");

    answers["GET /api/jobs/50"] = { status: 404, body: { error: { code: "NOT_FOUND", message: hostile } } };
    const failed = io();
    expect(await run(["wait", "50"], failed)).toBe(1);
    noControls(failed.stderr.join("\n"));
    expect(failed.stderr).toEqual([`qm wait: job 50: fit\\u001b]0;PWNED\\u0007\\u001b[2J\\u001b]52;c;cm0gLXJmIH4=\\u0007\\u009b31m`]);
  });
});

describe("qm login", () => {
  it("says a wrong password plainly, without telling the user to run qm login", async () => {
    answers["POST /api/account/tokens"] = { status: 401, body: { error: { code: "UNAUTHORIZED", message: "Wrong user name or password." } } };
    const x = io();
    expect(await run(["login", "--user", "ann", url], x)).toBe(4);
    expect(x.stderr).toEqual(["qm login: Wrong user name or password."]);
  });
});

describe("qm log", () => {
  it("says when only the end of a long log is printed, and how to get it whole", async () => {
    answers["GET /api/jobs/49/log"] = { text: "line 24052\nline 24053\n", offset: 1_048_576, nextOffset: 1_048_598, size: 1_048_598, reset: false, exists: true, state: "done" };
    const x = io();
    expect(await run(["log", "49"], x)).toBe(0);
    expect(x.stdout).toEqual(["line 24052\nline 24053"]);
    expect(x.stderr).toEqual(["qm log: the first 1048576 bytes of process.log's 1048598 are left out (qm cat 49 process.log prints it whole)"]);
  });
});

describe("qm login again", () => {
  it("revokes the token the previous login kept, which stayed working and forgotten", async () => {
    const home = fs.mkdtempSync(path.join(os.tmpdir(), "qm-login-"));
    const file = credentialsFile({ XDG_CONFIG_HOME: home } as unknown as NodeJS.ProcessEnv);
    try {
      writeCredentialsFile(file, { url, token: "qm_old", tokenId: 7, username: "ann" });
      answers["POST /api/account/tokens"] = { status: 201, body: { token: { id: 8, name: "qm on here", createdAt: "2025-01-01T12:00:00Z", lastUsedAt: null, revokedAt: null, token: "qm_new" } } };
      let revoked = 0;
      answers["DELETE /api/account/tokens/7"] = () => (++revoked, { token: { id: 7 } });
      const x = io();
      x.env = { QM_URL: url, XDG_CONFIG_HOME: home } as unknown as NodeJS.ProcessEnv;
      x.prompt = async () => "secret";
      expect(await run(["login", "--user", "ann", url], x)).toBe(0);
      expect(revoked).toBe(1);
      expect(readCredentialsFile(file)).toMatchObject({ token: "qm_new", tokenId: 8 });
    } finally {
      fs.rmSync(home, { recursive: true, force: true });
    }
  });
});

describe("qm wait", () => {
  it("names a job deleted while it waited", async () => {
    let polls = 0;
    answers["GET /api/jobs/49"] = () =>
      ++polls < 3 ? jobAnswer({ state: "running", startedAt: "2025-01-01T11:00:00Z" }, NOBODY) : { status: 404, body: { error: { code: "NOT_FOUND", message: "There is no job 49; it may have been deleted." } } };
    const x = io();
    expect(await run(["wait", "49"], x)).toBe(125);
    expect(x.stderr).toEqual(["qm wait: job 49 (fit-49) was deleted"]);
  });

  it("says how a job that did not end well ended, once", async () => {
    const ended = async (job: Partial<JobDetail>) => {
      answers["GET /api/jobs/49"] = jobAnswer({ startedAt: "2025-01-01T11:00:00Z", finishedAt: "2025-01-01T11:05:00Z", ...job }, NOBODY);
      const x = io();
      const code = await run(["wait", "49"], x);
      return [code, x.stderr.join("\n")];
    };
    expect(await ended({ state: "killed", signal: "SIGTERM" })).toEqual([143, "qm wait: job 49 (fit-49) was killed by SIGTERM"]);
    expect(await ended({ state: "failed", exitCode: 2 })).toEqual([2, "qm wait: job 49 (fit-49) ended failed, exit code 2"]);
    expect(await ended({ state: "timeout", signal: "SIGTERM" })).toEqual([143, "qm wait: job 49 (fit-49) ended timeout, killed by SIGTERM"]);
    // Done, with something to know: said, and exit 0 all the same.
    const memory = "1 of its processes killed by the kernel for using more than its memory limit (50M); its results may be incomplete: ask for more with mem = ....";
    expect(await ended({ state: "done", exitCode: 0, error: memory })).toEqual([0, `qm wait: job 49 (fit-49) ended done, but: ${memory}`]);
    expect(await ended({ state: "done", exitCode: 0 })).toEqual([0, ""]);
  });

  it("waits through a restart of the server once it has answered, and says so", async () => {
    // A web server restarted (or its database away) while qm wait polled ended the wait with
    // exit 1 or 3 though the job ran on: `qm submit --wait job && next-step` stopped there.
    const unavailable = { status: 503, body: { error: { code: "UNAVAILABLE", message: "The database does not answer; QueueManager works again as soon as it is back." } } };
    const badGateway = { status: 502, body: "<html><h1>502 Bad Gateway</h1></html>" };
    const polls = [jobAnswer({ state: "running" }, NOBODY), unavailable, badGateway, unavailable, jobAnswer({ state: "running" }, NOBODY), jobAnswer({ state: "done", exitCode: 0 }, NOBODY)];
    answers["GET /api/jobs/49"] = () => polls.shift();
    const x = io();
    expect(await run(["wait", "49"], x)).toBe(0);
    expect(polls).toEqual([]);
    expect(x.stderr).toEqual([
      "qm wait: The database does not answer; QueueManager works again as soon as it is back; trying again for up to 10 min (Ctrl-C to stop)",
      "qm wait: QueueManager answers again",
    ]);

    // Never answered: a wrong QM_URL or a server down from the start is said at once.
    answers["GET /api/jobs/50"] = unavailable;
    const first = io();
    expect(await run(["wait", "50"], first)).toBe(1);
    expect(first.stderr).toEqual(["qm wait: The database does not answer; QueueManager works again as soon as it is back."]);
  });

  it("still calls a job never seen a wrong id", async () => {
    answers["GET /api/jobs/50"] = { status: 404, body: { error: { code: "NOT_FOUND", message: "There is no job 50; it may have been deleted." } } };
    const x = io();
    expect(await run(["wait", "50"], x)).toBe(1);
    expect(x.stderr).toEqual(["qm wait: job 50: There is no job 50; it may have been deleted."]);
  });

  it("goes on waiting for the other jobs after a wrong id, says it at once, and exits with the first failure's code", async () => {
    // qm wait 49 50, 50 unknown: it returned at once with exit 1 while 49 still ran.
    let polls = 0;
    answers["GET /api/jobs/49"] = () => jobAnswer(++polls < 4 ? { state: "running" } : { state: "done", exitCode: 0 }, NOBODY);
    answers["GET /api/jobs/50"] = { status: 404, body: { error: { code: "NOT_FOUND", message: "There is no job 50; it may have been deleted." } } };
    const x = io();
    expect(await run(["wait", "50", "49"], x)).toBe(1);
    expect(polls).toBe(4);
    expect(x.stderr).toEqual(["qm wait: job 50: There is no job 50; it may have been deleted."]);
    // In the order given: 49 failed with 3 before the wrong id's 1.
    polls = 0;
    answers["GET /api/jobs/49"] = () => jobAnswer(++polls < 3 ? { state: "running" } : { state: "failed", exitCode: 3 }, NOBODY);
    const failed = io();
    expect(await run(["wait", "49", "50"], failed)).toBe(3);
    expect(failed.stderr).toEqual(["qm wait: job 50: There is no job 50; it may have been deleted.", "qm wait: job 49 (fit-49) ended failed, exit code 3"]);
  });
});

describe("qm submit", () => {
  it("queues the paths in the order given, one request after another", async () => {
    // The fake takes a request's zips in order, but only after a wait of its own (as the
    // server unzips and checks them), shorter for each request: requests in flight together
    // would be queued in the order they finish, not the order of the command line.
    let nextId = 100;
    let inFlight = 0;
    let mostInFlight = 0;
    let requests = 0;
    const queued: string[] = [];
    answers["GET /api/status"] = { jobFile: "proc_config.cfg" };
    answers["POST /api/jobs"] = async (body: Buffer) => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      const names = [...body.toString("latin1").matchAll(/filename="([^"]+)"/g)].map((m) => m[1]);
      // Each request takes less time than the one before it.
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, 50 - 10 * ++requests)));
      inFlight -= 1;
      const jobs = names.map((name) => (queued.push(name), { id: nextId++, name, folder: `QM_qJobs/${name}`, state: "queued", url: "" }));
      return { status: 201, body: jobs.length === 1 ? { job: jobs[0] } : { jobs } };
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-order-"));
    try {
      const scripts = Array.from({ length: 30 }, (_, i) => {
        const file = path.join(dir, `step${String(i).padStart(2, "0")}.sh`);
        fs.writeFileSync(file, "echo hi\n");
        return file;
      });
      const x = io();
      expect(await run(["submit", ...scripts], x)).toBe(0);
      expect(x.stdout).toEqual(scripts.map((_, i) => String(100 + i)));
      expect(queued.map((name) => name.replace(/\.zip$/, ""))).toEqual(scripts.map((f) => path.basename(f, ".sh")));
      expect(mostInFlight).toBe(1);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("an array's own id is said (stderr, and --json's `array`), beside its elements' ids on stdout", async () => {
    answers["GET /api/status"] = { jobFile: "proc_config.cfg" };
    const notes = ["no info file: the job is fit.sh with its #QM directives", "nb_proc 9 is more than MaxNbProcessors (2) of this server; it will run on 2 processors"];
    answers["POST /api/jobs"] = { status: 201, body: { job: { id: 45, name: "fit", folder: "QM_qJobs/fit_1", state: "queued", url: "", notes }, array: { id: 7, jobIds: [45, 46, 47], url: "/arrays/7" } } };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-array-"));
    try {
      const script = path.join(dir, "fit.sh");
      fs.writeFileSync(script, "#QM nb_proc=1\necho $QM_ARRAY_INDEX\n");
      const x = io();
      expect(await run(["submit", "--array", "1-3", script], x)).toBe(0);
      expect(x.stdout).toEqual(["45", "46", "47"]);
      // The server's notes but the one that says the script is the job (how it was given).
      expect(x.stderr).toEqual([
        `qm submit: ${script}: ${notes[1]}`,
        `qm submit: ${script}: array 7 (3 elements): act on all of them with --array 7, wait for them with --after array:7`,
      ]);
      const json = io();
      expect(await run(["submit", "--json", "--array", "1-3", script], json)).toBe(0);
      expect(JSON.parse(json.stdout.join(""))).toEqual([{ path: script, ids: [45, 46, 47], array: 7 }]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a folder the server refuses is named as the user gave it, not as 'the zip' qm made of it", async () => {
    // The server's words (lib/server/zip/job-root.ts) for a folder it read from a zip.
    const refusal = (name: string) => `The folder "${name}" in the zip has no proc_config.cfg, nor a script with #QM lines; add proc_config.cfg`;
    answers["GET /api/status"] = { jobFile: "proc_config.cfg" };
    answers["POST /api/jobs"] = (body: Buffer) => {
      const names = [...body.toString("latin1").matchAll(/filename="([^"]+)"/g)].map((m) => m[1].replace(/\.zip$/, ""));
      const error = (name: string) => ({ code: "INVALID_INPUT", message: refusal(name) });
      return names.length === 1 ? { status: 400, body: { error: error(names[0]) } } : { status: 207, body: { jobs: names.map((name) => ({ file: `${name}.zip`, error: error(name) })) } };
    };
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-words-"));
    try {
      for (const name of ["fit", "scan"]) {
        fs.mkdirSync(path.join(dir, name));
        fs.writeFileSync(path.join(dir, name, "notes.txt"), "no script\n");
      }
      fs.writeFileSync(path.join(dir, "made.zip"), "PK\x05\x06" + "\0".repeat(18));
      const one = io();
      expect(await run(["submit", path.join(dir, "fit")], one)).toBe(1);
      expect(one.stderr).toEqual([`qm submit: ${path.join(dir, "fit")}: The folder "fit" has no proc_config.cfg, nor a script with #QM lines; add proc_config.cfg`]);
      const several = io();
      expect(await run(["submit", path.join(dir, "fit"), path.join(dir, "scan"), path.join(dir, "made.zip")], several)).toBe(1);
      expect(several.stderr).toEqual([
        `qm submit: ${path.join(dir, "fit")}: The folder "fit" has no proc_config.cfg, nor a script with #QM lines; add proc_config.cfg`,
        `qm submit: ${path.join(dir, "scan")}: The folder "scan" has no proc_config.cfg, nor a script with #QM lines; add proc_config.cfg`,
        // A zip of the user's own: the server's words are right.
        `qm submit: ${path.join(dir, "made.zip")}: ${refusal("made")}`,
      ]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("qm submit --wait --timeout", () => {
  it("gives up waiting after the timeout, as qm wait does (exit 124)", async () => {
    // docs/cli.md promised 124 for submit --wait, whose --timeout was an unknown option.
    answers["GET /api/status"] = { jobFile: "proc_config.cfg" };
    answers["POST /api/jobs"] = { status: 201, body: { job: { id: 61 } } };
    answers["GET /api/jobs/61"] = jobAnswer({ id: 61, name: "long", state: "running" }, NOBODY);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-timeout-"));
    try {
      fs.writeFileSync(path.join(dir, "long.sh"), "sleep 1000\n");
      const x = io();
      const started = Date.now();
      expect(await run(["submit", "-w", "--timeout", "0.2", path.join(dir, "long.sh")], x)).toBe(124);
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      expect(x.stdout).toEqual(["61"]);
      expect(x.stderr).toEqual(["qm wait: still going after the timeout: 61"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("qm submit --wait with a PATH refused", () => {
  it("waits for the jobs that were queued, then exits with the refusal's code", async () => {
    // qm submit -w good.sh bad.zip printed good.sh's id and exited 1 at once, its job still queued.
    answers["GET /api/status"] = { jobFile: "proc_config.cfg" };
    answers["POST /api/jobs"] = { status: 207, body: { jobs: [{ id: 60 }, { file: "bad.zip", error: { code: "INVALID_INPUT", message: "bad.zip is not a zip file" } }] } };
    let polls = 0;
    answers["GET /api/jobs/60"] = () => jobAnswer(++polls < 3 ? { id: 60, name: "good", state: "running" } : { id: 60, name: "good", state: "failed", exitCode: 2 }, NOBODY);
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-submit-wait-"));
    try {
      fs.writeFileSync(path.join(dir, "good.sh"), "exit 2\n");
      fs.writeFileSync(path.join(dir, "bad.zip"), "not a zip");
      const x = io();
      expect(await run(["submit", "-w", path.join(dir, "good.sh"), path.join(dir, "bad.zip")], x)).toBe(1);
      expect(x.stdout).toEqual(["60"]);
      expect(polls).toBe(3);
      expect(x.stderr).toEqual([`qm submit: ${path.join(dir, "bad.zip")}: bad.zip is not a zip file`, "qm wait: job 60 (good) ended failed, exit code 2"]);
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("qm requeue --array", () => {
  it("counts the elements requeued, left and refused, with the first reason a refusal has", async () => {
    const reason = "Job 14 waits (after_ok) for job 12, which ended failed, so it would be cancelled again at once; requeue job 12 first.";
    answers["POST /api/arrays/3/requeue"] = { applied: [13], skipped: [15], refused: [{ id: 14, reason }, { id: 16, reason: reason.replaceAll("14", "16") }] };
    const x = io();
    expect(await run(["requeue", "--array", "3"], x)).toBe(0);
    expect(x.stdout).toEqual([`array 3: requeued 1 element(s), 1 changed meanwhile and left as they were; 2 not requeued: ${reason}`]);
  });

  it("--all puts back the elements that ended done too (the API's ?all=1); without --array it is a usage error", async () => {
    answers["POST /api/arrays/4/requeue?all=1"] = { applied: [20, 21, 22], skipped: [], refused: [] };
    const x = io();
    expect(await run(["requeue", "--array", "--all", "4"], x)).toBe(0);
    expect(x.stdout).toEqual(["array 4: requeued 3 element(s)"]);
    const y = io();
    expect(await run(["requeue", "--all", "4"], y)).toBe(2);
    expect(y.stderr.join("\n")).toMatch(/--all goes with --array/);
  });
});

describe("an array action that fits no element", () => {
  it("is a refusal that says why, with the elements' states, not 'released 0' and exit 0", async () => {
    // qm release --array 12 with nothing held said "array 12: released 0 element(s)", exit 0.
    answers["POST /api/arrays/12/release"] = { applied: [], skipped: [], refused: [] };
    answers["GET /api/arrays/12"] = { array: { id: 12, name: "fit", spec: "1-3", maxRunning: null, createdAt: "2025-01-01T10:00:00Z", owner: "ann", total: 3, counts: { running: 1, queued: 2, held: 0 }, progress: 0 }, jobs: [], can: NOBODY, serverTime: "2025-01-01T12:00:00Z" };
    answers["POST /api/arrays/13/release"] = { applied: [41, 42], skipped: [], refused: [] };
    const x = io();
    expect(await run(["release", "--array", "12", "13"], x)).toBe(1);
    expect(x.stderr).toEqual(["array 12: nothing released: no element is held (its 3 element(s): 1 running, 2 queued)"]);
    expect(x.stdout).toEqual(["array 13: released 2 element(s)"]);

    const json = io();
    expect(await run(["release", "--array", "12", "--json"], json)).toBe(1);
    expect(JSON.parse(json.stdout[0])).toEqual([{ id: 12, ok: false, message: "nothing released: no element is held (its 3 element(s): 1 running, 2 queued)" }]);
  });

  it("is no error when elements are in the state asked for already, as for one job: it says there was nothing to do", async () => {
    answers["POST /api/arrays/12/release"] = { applied: [], skipped: [], refused: [], already: [40, 41] };
    answers["POST /api/arrays/13/hold"] = { applied: [], skipped: [], refused: [], already: [50], running: [51] };
    const x = io();
    expect(await run(["release", "--array", "12"], x)).toBe(0);
    expect(await run(["hold", "--array", "13"], x)).toBe(0);
    expect(x.stdout).toEqual(["array 12: nothing to release: 2 not held", "array 13: nothing to hold: 1 already held; 1 already running, not held"]);
    expect(x.stderr).toEqual([]);
  });

  it("says what the answer tells instead, when it tells why (a race, running elements, refusals)", async () => {
    answers["POST /api/arrays/14/hold"] = { applied: [], skipped: [50, 51], refused: [] };
    answers["POST /api/arrays/15/delete"] = { applied: [], skipped: [], refused: [], running: [60] };
    const x = io();
    expect(await run(["hold", "--array", "14"], x)).toBe(1);
    expect(await run(["delete", "--array", "15"], x)).toBe(1);
    expect(x.stderr).toEqual(["array 14: nothing held: 2 changed meanwhile and left as they were", "array 15: nothing deleted: 1 running left as they are (qm kill --array 15 first)"]);
    expect(x.stdout).toEqual([]);
  });
});

describe("qm update", () => {
  it("sends the new priority of each job and says what became of it; a refusal is reported and sets the exit code", async () => {
    const sent: unknown[] = [];
    answers["POST /api/jobs/12/priority"] = (body: Buffer) => (sent.push(JSON.parse(body.toString())), { priority: -5, changed: true });
    answers["POST /api/jobs/13/priority"] = { priority: -5, changed: false };
    answers["POST /api/jobs/14/priority"] = { status: 409, body: { error: { code: "INVALID_STATE", message: "Job 14 is running; only a waiting (queued or held) job's priority can change." } } };
    const x = io();
    expect(await run(["update", "--priority=-5", "12", "13", "14"], x)).toBe(1);
    expect(sent).toEqual([{ priority: -5 }]);
    expect(x.stdout).toEqual(["job 12: priority -5", "job 13: priority already -5"]);
    expect(x.stderr).toEqual(["job 14: Job 14 is running; only a waiting (queued or held) job's priority can change."]);
  });
});

describe("qm pause and resume", () => {
  it("say who paused the queue and since when, or that it runs", async () => {
    answers["POST /api/queue/pause"] = { paused: { by: "admin", at: "2026-12-01T14:00:00.000Z" } };
    answers["POST /api/queue/resume"] = { paused: null };
    const x = io();
    expect(await run(["pause"], x)).toBe(0);
    expect(await run(["resume"], x)).toBe(0);
    expect(x.stdout).toEqual(["queue paused by admin since 2026-12-01T14:00:00.000Z", "queue running"]);
  });

  it("say when the queue was paused already, or not paused, rather than as if they had done it", async () => {
    answers["POST /api/queue/pause"] = { paused: { by: "bob", at: "2026-12-01T14:00:00.000Z" }, changed: false };
    answers["POST /api/queue/resume"] = { paused: null, changed: false };
    const x = io();
    expect(await run(["pause"], x)).toBe(0);
    expect(await run(["resume"], x)).toBe(0);
    expect(x.stdout).toEqual(["queue already paused by bob since 2026-12-01T14:00:00.000Z: nothing to pause", "queue was not paused: nothing to resume"]);
  });
});

describe("qm hold and release of a job", () => {
  it("say when the job was held already, or never held, rather than 'released' (not an error, as in the API)", async () => {
    // qm release of a job never held said "job 12: released", exit 0.
    answers["POST /api/jobs/12/release"] = { ok: true, state: "queued", changed: false };
    answers["POST /api/jobs/13/release"] = { ok: true, state: "queued", changed: true };
    answers["POST /api/jobs/14/hold"] = { ok: true, state: "held", changed: false };
    answers["POST /api/jobs/15/hold"] = { ok: true, state: "held" }; // an older server
    const x = io();
    expect(await run(["release", "12", "13"], x)).toBe(0);
    expect(await run(["hold", "14", "15"], x)).toBe(0);
    expect(x.stdout).toEqual(["job 12: not held: nothing to release", "job 13: released", "job 14: already held: nothing to hold", "job 15: held"]);
  });
});

describe("qm download's file names", () => {
  it("are the job's name with .zip, never a path or a hidden file", () => {
    expect(zipNameOf("nmr run", 3)).toBe("nmr run.zip");
    expect(zipNameOf("../../etc/x", 3)).toBe("_.._etc_x.zip");
    expect(zipNameOf("..", 3)).toBe("job-3.zip");
    expect(zipNameOf(".hidden", 3)).toBe("hidden.zip");
  });

  it("tell jobs of the same name apart in one download, with or without --force", async () => {
    // qm download 1 5, both named j1: the second was refused ("j1.zip is there already"), and with --force replaced the first.
    for (const id of [1, 5, 7]) {
      answers[`GET /api/jobs/${id}`] = jobAnswer({ id, name: id === 7 ? "other" : "j1", state: "done" }, NOBODY);
      answers[`GET /api/jobs/${id}/download`] = `zip of job ${id}`;
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-download-names-"));
    try {
      for (const force of [[], ["--force"]]) {
        const x = io();
        expect(await run(["download", ...force, "-o", dir, "1", "7", "5"], x)).toBe(0);
        expect(x.stdout).toEqual([path.join(dir, "j1.zip"), path.join(dir, "other.zip"), path.join(dir, "j1-5.zip")]);
        if (!force.length) fs.rmSync(path.join(dir, "other.zip"));
      }
      expect(fs.readdirSync(dir).sort()).toEqual(["j1-5.zip", "j1.zip", "other.zip"]);
      expect(fs.readFileSync(path.join(dir, "j1.zip"), "utf8")).toBe('"zip of job 1"');
      expect(fs.readFileSync(path.join(dir, "j1-5.zip"), "utf8")).toBe('"zip of job 5"');
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
