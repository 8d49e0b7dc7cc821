/**
 * The crash soak (issue 17): jobs submitted by concurrent clients (the web app's own
 * queueStagedJob) while a real worker process is SIGKILLed every few seconds and started
 * again. Afterwards: no job lost, none completed twice, every row's folder exists and every
 * folder has its row. Shared by the integration test (short) and `npm run bench` (longer).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { FINISHED_STATES } from "../../lib/core/job-lifecycle";
import { projectRoot } from "../../lib/server/bootstrap";
import { QUEUE_DIRS } from "../../lib/server/qm-folders";
import { type TestEnv, submitJob, waitFor } from "./helpers";

export interface SoakResult {
  /** Why the jobs that did not end done ended as they did. */
  notDone: string[];
  jobs: number;
  workerKills: number;
  done: number;
  lost: number;
  completedTwice: number;
  rowsWithoutFolder: number;
  foldersWithoutRow: number;
  seconds: number;
}

export interface SoakOptions {
  jobs: number;
  clients: number;
  killEveryMs: number;
}

/** The workers' logs, one after the other: what they said about a job that went wrong. */
const logFile = (env: TestEnv) => path.join(env.dir, "workers.log");

function startWorker(env: TestEnv): ChildProcess {
  const out = fs.openSync(logFile(env), "a");
  const child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "worker/main.ts")], {
    cwd: projectRoot,
    env: { ...process.env, QM_CONFIG: env.configPath, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "1" },
    stdio: ["ignore", out, out],
  });
  fs.closeSync(out);
  return child;
}

export async function runSoak(env: TestEnv, opts: SoakOptions): Promise<SoakResult> {
  const t0 = Date.now();
  const marks = path.join(env.shared, "completions");
  fs.mkdirSync(marks);
  fs.chmodSync(marks, 0o1777);
  let worker = startWorker(env);
  let kills = 0;
  let submitting = true;
  const killer = (async () => {
    while (submitting || (await env.db.job.count({ where: { state: { notIn: [...FINISHED_STATES] } } })) > 0) {
      await new Promise((r) => setTimeout(r, opts.killEveryMs));
      worker.kill("SIGKILL");
      await new Promise((r) => worker.once("exit", r));
      kills++;
      worker = startWorker(env);
    }
  })();
  let next = 0;
  await Promise.all(
    Array.from({ length: opts.clients }, async () => {
      for (let i = next++; i < opts.jobs; i = next++) {
        const ms = 100 + ((i * 37) % 900);
        await submitJob(env, `soak ${i}`, { script: `sleep ${ms / 1000}; echo done >> '${marks}/${i}'` });
      }
    }),
  );
  submitting = false;
  await killer;
  await waitFor("every job finished", async () => (await env.db.job.count({ where: { state: { in: [...FINISHED_STATES] } } })) === opts.jobs, 120_000, 200);
  worker.kill("SIGTERM");
  await new Promise((r) => worker.once("exit", r));

  const rows = await env.db.job.findMany();
  const folders = Object.values(QUEUE_DIRS).flatMap((q) => fs.readdirSync(path.join(env.layout.root, q)).map((n) => `${q}/${n}`));
  const rowFolders = new Set(rows.map((r) => r.folder));
  const completions = fs.readdirSync(marks).map((f) => fs.readFileSync(path.join(marks, f), "utf8").split("\n").filter(Boolean).length);
  return {
    notDone: await Promise.all(rows.filter((r) => r.state !== "done").map(async (r) => {
      const events = await env.db.jobEvent.findMany({ where: { jobId: r.id }, orderBy: { id: "asc" } });
      let log = "";
      try {
        log = fs.readFileSync(path.join(env.layout.root, r.folder, "process.log"), "utf8").split("\n").slice(-12).join(" | ");
      } catch {
        log = "(no process.log)";
      }
      const said = fs.readFileSync(logFile(env), "utf8").split("\n").filter((l) => l.includes(`job ${r.id}:`) || l.includes(`job ${r.id} `)).join(" | ");
      return `${r.name}: ${r.state} (${r.error}); workers said: ${said}; events ${events.map((e) => `${e.kind}@${e.at.toISOString().slice(17, 23)}${e.detail ? `[${e.detail.slice(0, 60)}]` : ""}`).join(", ")}; log ${log}`;
    })),
    jobs: rows.length,
    workerKills: kills,
    done: rows.filter((r) => r.state === "done").length,
    lost: rows.filter((r) => r.state !== "done").length,
    completedTwice: completions.filter((n) => n > 1).length,
    rowsWithoutFolder: rows.filter((r) => !fs.existsSync(path.join(env.layout.root, r.folder))).length,
    foldersWithoutRow: folders.filter((f) => !rowFolders.has(f)).length,
    seconds: Math.round((Date.now() - t0) / 100) / 10,
  };
}
