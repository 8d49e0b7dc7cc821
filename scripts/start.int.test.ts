/**
 * `npm start` as an operator meets it (the real npm, the built app, a temporary QM_FOLDER):
 * a worker killed with SIGKILL comes back while the web server stays up and the running job
 * is adopted; SIGHUP or SIGTERM to npm leaves nothing running behind it.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { SERVICE_ENV } from "../lib/server/service-env";
import { type NpmRun, cmdline, processesWith, startNpmScript, until as untilOf } from "./npm-processes";

const PORT = 8793;
let run: NpmRun | undefined;
let dir: string;
let npm: NpmRun["npm"];
const output = () => run!.output();
const ours = () => run!.processes();
const until = <T>(what: string, probe: () => T | Promise<T>, ms?: number) => untilOf(what, probe, run!, ms);

afterEach(() => {
  run?.cleanUp();
  run = undefined;
});

function startNpm(): NpmRun["npm"] {
  run = startNpmScript("start", PORT);
  dir = run.dir;
  return run.npm;
}

const status = async () => (await fetch(`http://127.0.0.1:${PORT}/api/status`)).status;

describe("npm start", () => {
  it("restarts a killed worker, keeps the web up, and the running job finishes once", async () => {
    npm = startNpm();
    await until("both programs", async () => output().includes("worker started") && (await status()) === 200);
    const job = path.join(dir, "job");
    fs.mkdirSync(job);
    fs.writeFileSync(path.join(job, "proc_config.cfg"), `[QMOptions]\nscript = echo run >> '${dir}/shared/runs'; for i in 1 2 3 4 5 6; do echo "processing $i / 6"; sleep 0.5; done\n`);
    fs.renameSync(job, path.join(dir, "QM/QM_qJobs/job"));
    await until("the job to run", () => fs.existsSync(path.join(dir, "shared/runs")));
    const worker = ours().find((pid) => cmdline(pid).includes("dist/worker/main.mjs"))!;
    process.kill(worker, "SIGKILL");
    await until("the restart line", () => /the worker stopped unexpectedly \(SIGKILL\); restarting it in 1 s/.test(output()));
    expect(await status()).toBe(200);
    await until("a new worker", () => output().split("worker started").length > 2);
    expect(output()).toMatch(/still runs \(pid \d+\): adopted/);
    await until("the job done", () => fs.readdirSync(path.join(dir, "QM/QM_dJobs")).length === 1, 20_000);
    expect(fs.readFileSync(path.join(dir, "shared/runs"), "utf8")).toBe("run\n");

    npm.kill("SIGHUP");
    await until("npm to exit", () => npm.exitCode !== null || npm.signalCode !== null, 20_000);
    await until("nothing left running", () => ours().length === 0, 20_000);
  }, 150_000);

  it("SIGTERM to npm stops the web server and the worker behind it", async () => {
    npm = startNpm();
    await until("both programs", async () => output().includes("worker started") && (await status()) === 200);
    expect(ours().length).toBeGreaterThanOrEqual(3);
    // The web server and the worker run with the services' own tuning (two malloc arenas:
    // lib/server/service-env.ts).
    const server = ours().find((pid) => cmdline(pid).includes("dist/web/server.mjs"))!;
    const worker = ours().find((pid) => cmdline(pid).includes("dist/worker/main.mjs"))!;
    expect(processesWith(`MALLOC_ARENA_MAX=${SERVICE_ENV.MALLOC_ARENA_MAX}`)).toEqual(expect.arrayContaining([server, worker]));
    npm.kill("SIGTERM");
    await until("nothing left running", () => ours().length === 0, 20_000);
    expect(output()).toMatch(/stopping web and worker/);
  }, 150_000);
});
