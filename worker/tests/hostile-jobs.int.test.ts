/**
 * Hostile jobs, run as the service is deployed here (the worker as root): each attack a job
 * script could try against the service or another job fails. The job writes what it
 * managed to a shared file; the test checks it got nothing.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { sqliteFilePath } from "../../lib/server/database-url";
import { projectRoot } from "../../lib/server/bootstrap";
import { createTestEnv, dropJob, jobProcesses, sharedFile, submitJob, type TestEnv, waitFor, waitForJob } from "./helpers";
import { startWorker, type InProcessWorker } from "./in-process";
import { releaseJob } from "../../lib/server/jobs/hold-job";

let env: TestEnv;
let worker: InProcessWorker | undefined;
let child: ChildProcess | undefined;
afterEach(async () => {
  await worker?.stop();
  worker = undefined;
  if (child && child.exitCode === null) child.kill("SIGKILL");
  if (env) await waitFor("job processes gone", () => jobProcesses(env.layout.root).length === 0, 15_000).catch(() => undefined);
  await env?.cleanup();
});

const asRoot = process.getuid?.() === 0;

/** Run `script` as a job and return what it wrote to its report file (after proving it ran, as an unprivileged uid). */
async function attack(name: string, script: (report: string) => string): Promise<string> {
  const report = sharedFile(env, `${name}.txt`);
  await submitJob(env, name, { script: `${script(report)}; echo "ran as $(id -u)" >> '${report}'` });
  await waitForJob(env, name, ["done", "failed"]);
  const text = fs.readFileSync(report, "utf8");
  const ran = /ran as (\d+)\n$/.exec(text);
  expect(ran, `${name} did not run to its end: ${text}`).not.toBeNull();
  expect(Number(ran![1])).toBeGreaterThanOrEqual(200_000);
  return text.slice(0, ran!.index);
}

describe.skipIf(!asRoot)("a hostile job, with the worker as root", () => {
  it("cannot read or write the database, QMserv.cfg or .qm/", async () => {
    env = await createTestEnv({ smtp_password: "very-secret-smtp" });
    worker = await startWorker(env);
    // On PostgreSQL the database is a server, not a file; its own authentication guards it (docs/postgresql.md).
    const db = env.databaseUrl.startsWith("file:") ? sqliteFilePath(env.databaseUrl) : path.join(env.dir, "no-database-file");
    if (!fs.existsSync(db)) fs.writeFileSync(db, "SQLite format 3 stand-in", { mode: 0o600 });
    const before = fs.readFileSync(db);
    const got = await attack("thief", (r) =>
      [
        `head -c 16 '${db}' >> '${r}' 2>/dev/null`,
        `echo corrupt >> '${db}' 2>/dev/null && echo WROTE-DB >> '${r}'`,
        `cat '${env.configPath}' >> '${r}' 2>/dev/null`,
        `echo "[QMServer]" >> '${env.configPath}' 2>/dev/null && echo WROTE-CFG >> '${r}'`,
        `ls -a '${env.layout.internal}' '${env.layout.runs}' >> '${r}' 2>/dev/null`,
        `touch '${env.layout.runs}/forged.exit' 2>/dev/null && echo WROTE-RUNS >> '${r}'`,
      ].join("; "),
    );
    expect(got).toBe("");
    expect(fs.readFileSync(db).subarray(0, 100)).toEqual(before.subarray(0, 100));
    expect(fs.readFileSync(env.configPath, "utf8")).not.toMatch(/\[QMServer\]\s*$/);
  });

  it("cannot read or write another job's folder", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    await submitJob(env, "victim", { script: "echo private > secret.txt; sleep 3" });
    await waitForJob(env, "victim", ["running"]);
    await waitFor("the victim's file", () => fs.existsSync(path.join(env.layout.running, "victim", "secret.txt")));
    const got = await attack("snoop", (r) =>
      [
        `ls "$QM_JOB_DIR/.." >> '${r}' 2>/dev/null`,
        `cat "$QM_JOB_DIR/../victim/secret.txt" >> '${r}' 2>/dev/null`,
        `echo planted > "$QM_JOB_DIR/../victim/planted.txt" 2>/dev/null && echo WROTE >> '${r}'`,
        `cat '${env.layout.running}/victim/process.log' >> '${r}' 2>/dev/null`,
      ].join("; "),
    );
    expect(got).toBe("");
    // The web server, an unprivileged account of QM_FOLDER's group, reads the running job's log and files.
    const service = fs.statSync(env.layout.root);
    const asService = (cmd: string) => execFileSync("setpriv", ["--reuid=65534", `--regid=${service.gid}`, "--clear-groups", "sh", "-c", cmd], { encoding: "utf8" });
    expect(asService(`cat '${env.layout.running}/victim/secret.txt'; ls '${env.layout.running}/victim'`)).toBe("private\nproc_config.cfg\nprocess.log\nsecret.txt\n");
    const victim = await waitForJob(env, "victim", ["done"]);
    expect(fs.readdirSync(path.join(env.layout.root, victim.folder)).sort()).toEqual(["proc_config.cfg", "process.log", "secret.txt"]);
  });

  it("leaves no daemon behind: setsid and nohup children end with the job", async () => {
    env = await createTestEnv({ Kill_Grace: 1 });
    worker = await startWorker(env);
    const row = await (async () => {
      await submitJob(env, "daemonizer", { script: "setsid sleep 900 > /dev/null 2>&1 < /dev/null & nohup sleep 901 > /dev/null 2>&1 & (trap '' TERM; exec sleep 902) & echo started" });
      return waitForJob(env, "daemonizer", ["done"]);
    })();
    const uid = (JSON.parse(row.runInfo!) as { uid: number }).uid;
    const left = () => fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => {
      try {
        return fs.statSync(`/proc/${p}`).uid === uid && !/^[ZX]/.test(fs.readFileSync(`/proc/${p}/stat`, "utf8").split(") ")[1]);
      } catch {
        return false;
      }
    });
    expect(left()).toEqual([]);
    expect(fs.readFileSync(path.join(env.layout.root, row.folder, "process.log"), "utf8")).toMatch(/3 process\(es\) left running in the background by the script were stopped/);
  });

  /** A file of root's, mode 600, outside QM_FOLDER: what a symlink planted in a job folder points at. */
  const rootsFile = () => {
    const file = path.join(env.dir, "roots-file");
    fs.writeFileSync(file, "root's own\n", { mode: 0o600 });
    return file;
  };

  it("cannot make the worker write through a process.log it turned into a symlink", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    const target = rootsFile();
    await attack("relinker", (r) => `rm -f process.log && ln -s '${target}' process.log && echo relinked >> '${r}'`);
    const row = await waitFor("the end recorded", async () => {
      const job = await env.db.job.findFirst({ where: { name: "relinker" } });
      return job?.finishedAt ? job : null;
    });
    expect(row.state).toBe("done");
    expect(fs.readFileSync(target, "utf8")).toBe("root's own\n");
  });

  it("a folder dropped with process.log or qm-error.txt as symlinks: nothing is written through them", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    const target = rootsFile();
    // Runs: the spawner opens process.log for the run's output.
    dropJob(env, "linked-log", { script: "echo hello", files: {} });
    fs.symlinkSync(target, path.join(env.layout.queued, "linked-log", "process.log"));
    // Refused (no script): the worker writes qm-error.txt beside it.
    dropJob(env, "linked-note", { script: "", infoText: "[QMOptions]\ninfo = no script\n" });
    fs.symlinkSync(target, path.join(env.layout.queued, "linked-note", "qm-error.txt"));
    const linked = await waitForJob(env, "linked-log", ["done", "failed"]);
    expect(linked).toMatchObject({ state: "failed", error: expect.stringMatching(/process\.log: it is a symlink; remove it/) });
    await waitFor("the refused folder in QM_lost+found", () => fs.readdirSync(env.layout.lost).find((f) => f.endsWith("linked-note")));
    const note = path.join(env.layout.lost, fs.readdirSync(env.layout.lost).find((f) => f.endsWith("linked-note"))!, "qm-error.txt");
    await waitFor("its qm-error.txt", () => fs.existsSync(note));
    expect(fs.lstatSync(note).isFile()).toBe(true);
    expect(fs.readFileSync(note, "utf8")).toMatch(/QueueManager did not run this job/);
    expect(fs.readFileSync(target, "utf8")).toBe("root's own\n");
  });

  it("a symbolic link in QM_qJobs is never taken in, and one put in place of a queued folder is not run nor written through", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    // A folder of root's, closed to others, holding files the worker would write in a job folder.
    const target = path.join(env.dir, "root-only");
    fs.mkdirSync(target, { mode: 0o700 });
    fs.writeFileSync(path.join(target, "proc_config.cfg"), "[QMOptions]\nscript = echo ran\n");
    fs.writeFileSync(path.join(target, "process.log"), "root's log\n");
    fs.writeFileSync(path.join(target, "qm-error.txt"), "precious\n");
    const untouched = () => Object.fromEntries(fs.readdirSync(target).sort().map((f) => [f, fs.readFileSync(path.join(target, f), "utf8")]));
    const before = untouched();
    fs.symlinkSync(target, path.join(env.layout.queued, "linked"));
    await waitFor("the link said ignored", () => worker!.logs.find((l) => l.includes("QM_qJobs/linked is a symbolic link: ignored")));
    expect(await env.db.job.count({ where: { name: "linked" } })).toBe(0);
    // A folder taken in (held), then swapped by its owner for a link before it starts.
    dropJob(env, "swapped", { script: "echo ran", keys: { hold: "yes" } });
    const held = await waitForJob(env, "swapped", ["held"]);
    fs.renameSync(path.join(env.layout.queued, "swapped"), path.join(env.dir, "swapped-real"));
    fs.symlinkSync(target, path.join(env.layout.queued, "swapped"));
    await releaseJob(env.store, env.layout, held.id, "test");
    const ended = await waitForJob(env, "swapped", ["failed"]);
    expect(ended.error).toMatch(/is a symbolic link, not the job's folder/);
    await waitFor("the end recorded", async () => (await env.db.job.findUnique({ where: { id: held.id } }))?.finishedAt);
    expect(untouched()).toEqual(before);
    expect(fs.statSync(target).mode & 0o777).toBe(0o700);
    // Nothing was handed over, so no uid is lost to it (a lab member could otherwise empty the pool).
    expect(worker.logs.filter((l) => l.includes("is not used again"))).toEqual([]);
  });

  it("leaves no program in its finished folder that runs as its uid: a set-ID copy with two names is handed back too", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    // A file with two names used to stay the run's (hard links are not chowned), set-ID bits
    // and all: the uid goes to other people's jobs later, and anyone could run this to be it.
    await attack("planter", () => "cp /usr/bin/id whoami && chmod 6755 whoami && ln whoami whoami-2");
    const row = await waitFor("the end recorded", async () => {
      const job = await env.db.job.findFirst({ where: { name: "planter" } });
      return job?.finishedAt ? job : null;
    });
    const runUid = (JSON.parse(row.runInfo!) as { uid: number }).uid;
    const folder = path.join(env.layout.root, row.folder);
    const service = fs.statSync(env.layout.root);
    for (const name of ["whoami", "whoami-2"]) {
      const st = fs.lstatSync(path.join(folder, name));
      expect({ name, uid: st.uid, gid: st.gid, setId: st.mode & 0o6000 }).toEqual({ name, uid: service.uid, gid: service.gid, setId: 0 });
    }
    // Another account running it stays itself: id names no effective uid or gid of the run's.
    const asNobody = execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", path.join(folder, "whoami")], { encoding: "utf8" });
    expect(asNobody).toMatch(/^uid=65534\b/);
    expect(asNobody).not.toContain(String(runUid));
  });

  it("hands back a tree deeper than the worker has descriptors for: the set-ID copy at its bottom is the service's too", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    // Deeper than the worker (this process) may open files: the walk once held one a level
    // and stopped half way (EMFILE). Its soft limit lowered meanwhile, so that the tree need
    // not be 20,000 levels deep (whose removal alone takes this disk 40 s).
    const [soft, hard] = /^Max open files\s+(\d+)\s+(\d+)/m.exec(fs.readFileSync("/proc/self/limits", "utf8"))!.slice(1).map(Number);
    const depth = 2_500;
    execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=2000:${hard}`]);
    const make = `import os, shutil; [(os.mkdir("d"), os.chdir("d")) for i in range(${depth})]; shutil.copy("/usr/bin/id", "b"); os.chmod("b", 0o6755)`;
    try {
      await attack("deep", () => `python3 -c '${make}'`);
    } finally {
      execFileSync("prlimit", ["--pid", String(process.pid), `--nofile=${soft}:${hard}`]);
    }
    const row = await waitFor("the end recorded", async () => {
      const job = await env.db.job.findFirst({ where: { name: "deep" } });
      return job?.finishedAt ? job : null;
    });
    const look = `import os\nfor i in range(${depth}):\n  os.chdir("d")\nst = os.lstat("b")\nprint(st.st_uid, st.st_gid, oct(st.st_mode & 0o7777))`;
    const service = fs.statSync(env.layout.root);
    expect(execFileSync("python3", ["-c", look], { cwd: path.join(env.layout.root, row.folder), encoding: "utf8" }).trim()).toBe(`${service.uid} ${service.gid} 0o755`);
  });

  it("leaves nothing in its finished folder that another lab member can write: a 0666 file and a 0777 folder lose group and other write", async () => {
    env = await createTestEnv();
    worker = await startWorker(env);
    await attack("opener", () =>
      "umask 0 && echo mine > open.txt && chmod 0666 open.txt && ln open.txt open-2.txt && mkdir -m 0777 open-dir && mkdir -m 1777 sticky && echo mine > open-dir/in.txt && chmod 2775 open-dir/in.txt",
    );
    const row = await waitFor("the end recorded", async () => {
      const job = await env.db.job.findFirst({ where: { name: "opener" } });
      return job?.finishedAt ? job : null;
    });
    const folder = path.join(env.layout.root, row.folder);
    const modes = Object.fromEntries(["open.txt", "open-dir", "sticky", "open-dir/in.txt"].map((name) => [name, (fs.lstatSync(path.join(folder, name)).mode & 0o7777).toString(8)]));
    // Everything else kept: the sticky bit, execute, read for all.
    expect(modes).toEqual({ "open.txt": "644", "open-dir": "755", sticky: "1755", "open-dir/in.txt": "755" });
    // Another account, of no group or of the service's, reads the results but changes none.
    const service = fs.statSync(env.layout.root);
    for (const gid of [65534, service.gid]) {
      const changed = execFileSync(
        "setpriv",
        [`--reuid=65534`, `--regid=${gid}`, "--clear-groups", "sh", "-c",
          "cat open.txt >/dev/null || echo UNREADABLE; for f in open.txt open-2.txt open-dir/in.txt; do (echo theirs > $f) 2>/dev/null && echo WROTE $f; done; " +
          "for d in open-dir sticky; do touch $d/planted 2>/dev/null && echo ADDED $d; done; mv open-dir/in.txt open-dir/gone.txt 2>/dev/null && echo MOVED; true"],
        { cwd: folder, encoding: "utf8" },
      );
      expect(changed, `as uid 65534, gid ${gid}`).toBe("");
    }
    expect(fs.readFileSync(path.join(folder, "open.txt"), "utf8")).toBe("mine\n");
  });

  it("finds nothing on its PATH that another account could have put there, nor npm's variables", async () => {
    env = await createTestEnv();
    // As `npm start` from a clone in /tmp: npm puts /tmp/node_modules/.bin on the PATH, which anyone may create.
    const open = fs.mkdtempSync(path.join(os.tmpdir(), "qm-open-"));
    fs.chmodSync(open, 0o1777);
    const planted = path.join(open, "node_modules", ".bin");
    const theirs = path.join(env.dir, "theirs-bin");
    fs.mkdirSync(theirs);
    fs.chownSync(theirs, 65534, 65534);
    const kept = process.env.PATH;
    process.env.PATH = `${planted}:${theirs}:relative-bin::${kept}`;
    process.env.npm_config__authtoken = "npm-registry-secret";
    try {
      worker = await startWorker(env);
    } finally {
      process.env.PATH = kept;
      delete process.env.npm_config__authtoken;
    }
    try {
      // Another account fills both once the worker runs.
      const probe = (dir: string, name: string) => `mkdir -p '${dir}' && printf '#!/bin/sh\\necho HIJACKED ${name}\\n' > '${dir}/${name}' && chmod 755 '${dir}/${name}'`;
      execFileSync("setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "sh", "-c", `${probe(planted, "qmprobe")} && ${probe(theirs, "qmprobe2")}`]);
      const got = await attack("searcher", (r) =>
        [
          `qmprobe >> '${r}' 2>/dev/null`,
          `qmprobe2 >> '${r}' 2>/dev/null`,
          `echo "$PATH" | tr ':' '\\n' | grep -x -e '${planted}' -e '${theirs}' -e relative-bin -e '' >> '${r}'`,
          `env | grep -i '^npm_' >> '${r}'`,
        ].join("; "),
      );
      expect(got).toBe("");
      const told = worker.logs.filter((m) => m.startsWith("PATH: left out"));
      expect(told.join("\n")).toContain(`${planted} for the worker's commands and the jobs: ${path.join(open, "node_modules")} is not there yet, and anyone may create it first`);
      expect(told.join("\n")).toContain(`${theirs} for the worker's commands and the jobs: ${theirs} belongs to`);
      expect(told).toHaveLength(4);
    } finally {
      fs.rmSync(open, { recursive: true, force: true });
    }
  });

  it("cannot read the service's environment or kill the worker", async () => {
    env = await createTestEnv();
    const secret = `s3cr3t-${Date.now()}`;
    child = spawn(process.execPath, ["--import", "tsx", path.join(projectRoot, "worker/main.ts")], {
      cwd: projectRoot,
      env: { ...process.env, QM_CONFIG: env.configPath, QM_DATA: env.dir, DATABASE_URL: env.databaseUrl, QM_SKIP_MIGRATE: "1", QM_ADMIN_PASSWORD: secret },
      stdio: "ignore",
    });
    await waitFor("the worker's heartbeat", () => env.db.workerStatus.findUnique({ where: { id: 1 } }), 45_000);
    const got = await attack("killer", (r) =>
      [
        `grep -l '${secret}' /proc/[0-9]*/environ >> '${r}' 2>/dev/null`,
        `cat /proc/$PPID/environ >> '${r}' 2>/dev/null`,
        `kill -9 ${child!.pid} 2>/dev/null && echo KILLED >> '${r}'`,
        `pkill -9 -f 'worker/mai[n]' 2>/dev/null && echo PKILLED >> '${r}'`,
      ].join("; "),
    );
    expect(got).toBe("");
    expect(child.exitCode).toBeNull();
    expect(child.signalCode).toBeNull();
  });
});
