/**
 * deploy/systemd's units under a real systemd: systemd booted as PID 1 of namespaces of its
 * own on a throw-away overlay of this machine (deploy/tools/systemd-namespace.sh), QueueManager
 * installed in it as docs/deploy.md says, the units copied unchanged. A job submitted over
 * HTTP runs under the worker unit's hardening as a pool uid in its control groups; a worker
 * SIGKILLed while a job runs is restarted by systemd and adopts it, as does a worker stopped
 * and started (Shutdown_Jobs = keep); `systemctl stop` with Shutdown_Jobs = requeue leaves
 * no job process or control group behind; the backup service writes a backup. Skipped,
 * saying why, where systemd cannot be booted so (not root, no systemd, no namespaces).
 */
import { execFileSync, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";
import { buildZip } from "../lib/server/zip/zip-fixtures";
import { waitFor } from "../worker/tests/helpers";
import { buildIfNeeded } from "./build-if-needed";
import { freePort } from "./free-port";

const TOOL = path.join(projectRoot, "deploy/tools/systemd-namespace.sh");
const PASSWORD = "systemd-test-admin";
/** The worker unit's CapabilityBoundingSet as /proc/<pid>/status shows it (chown, dac_override, fowner, kill, setgid, setuid, sys_ptrace). */
const WORKER_CAPS = "00000000000800eb";

/** Why systemd cannot be booted in namespaces here, or null when it can. */
function whyNoBoot(): string | null {
  if (process.getuid?.() !== 0) return "not root";
  if (!fs.existsSync("/lib/systemd/systemd")) return "systemd is not installed (apt-get install systemd)";
  if (!fs.readFileSync("/proc/filesystems", "utf8").includes("\toverlay\n")) return "the kernel has no overlayfs";
  const probe = spawnSync("unshare", ["--pid", "--fork", "--mount", "--uts", "--ipc", "--cgroup", "true"], { encoding: "utf8" });
  if (probe.status !== 0) return `no namespaces for us (unshare: ${(probe.stderr || probe.error?.message || "").trim()})`;
  return null;
}
const skipReason = whyNoBoot();
if (skipReason) console.log(`systemd-boot.int.test.ts skipped: ${skipReason}`);

let state: string;
let port: number;
let init: number;

/** A command inside the namespace (systemctl, journalctl, ps...); its stdout. */
const inside = (...command: string[]) => execFileSync(TOOL, ["run", state, ...command], { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
/** A path of the namespace's file system, as seen from here. */
const there = (p: string) => `/proc/${init}/root${p}`;
const QM = "/var/lib/queuemanager/QM";

/**
 * The test's pool of job uids: the namespace's worker cannot see the host's processes, so a
 * QueueManager running on the host (another test) could hand out the same uid, and its
 * end-of-run `kill -1` as that uid would reach our jobs. No QueueManager uses this range by default.
 */
const JOB_UIDS = [64600, 64699];

/** docs/deploy.md sections 2, 4 and 5, with the port, the address, the job uids and an administrator of the test's. */
function installAsDeployDocSays(): void {
  inside("bash", "-euc", `
    adduser --system --group --home /var/lib/queuemanager qm >/dev/null
    chmod 0755 /var/lib/queuemanager
    install -d -m 0755 /etc/queuemanager
    cp /opt/queuemanager/deploy/queuemanager.env /etc/queuemanager/env
    sed -i 's|^QM_PUBLIC_URL=.*|QM_PUBLIC_URL=http://127.0.0.1:${port}|' /etc/queuemanager/env
    install -m 0640 -g qm /dev/null /etc/queuemanager/admin-password
    echo '${PASSWORD}' >/etc/queuemanager/admin-password
    printf 'QM_ADMIN_PASSWORD_FILE=/etc/queuemanager/admin-password\\n' >>/etc/queuemanager/env
    install -o qm -g qm -m 0600 /dev/null /var/lib/queuemanager/QMserv.cfg
    printf '[QMServer]\\nQM_FOLDER = QM\\nJob_Uids = ${JOB_UIDS.join("-")}\\n\\n[WEB_QMserver]\\nHost = 127.0.0.1\\nThe_Port = ${port}\\n' >/var/lib/queuemanager/QMserv.cfg
    cp /opt/queuemanager/deploy/systemd/qm-* /etc/systemd/system/
    systemctl daemon-reload
    systemctl enable --now qm-web 2>/dev/null
    systemctl enable --now qm-worker qm-backup.timer 2>/dev/null`);
}

async function api<T>(route: string, init?: RequestInit): Promise<T> {
  const headers = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}`, "x-qm-csrf": "1" };
  const res = await fetch(`http://127.0.0.1:${port}${route}`, { ...init, headers });
  const body = await res.text();
  if (!res.ok) throw new Error(`${route}: ${res.status} ${body}`);
  return JSON.parse(body) as T;
}

interface Job { id: number; state: string; folder: string; events: { kind: string }[]; resources: { runAs: string | null } }
const job = async (id: number) => (await api<{ job: Job }>(`/api/jobs/${id}`)).job;
const inState = (id: number, states: string[], ms = 30_000) => waitFor(`job ${id} ${states.join("/")}`, async () => { const j = await job(id); return states.includes(j.state) ? j : null; }, ms, 100);
/** Release a job that waits for its flag (a file in the namespace's /tmp, which the worker unit shares with its jobs). */
const raiseFlag = (name: string) => fs.writeFileSync(there(`/tmp/go-${name}`), "");

/** Submit a job whose script first prints what it runs as, then waits for its flag. */
async function submit(name: string, cfg = ""): Promise<number> {
  const script = [
    "echo uid=$(id -u)",
    "grep -E '^(CapBnd|NoNewPrivs)' /proc/self/status",
    "echo memory.limit=$(cat /sys/fs/cgroup/memory$(grep :memory: /proc/self/cgroup | cut -d: -f3)/memory.limit_in_bytes)",
    `while [ ! -e /tmp/go-${name} ]; do sleep 0.1; done`,
    "echo flag seen",
  ].join("\n");
  const form = new FormData();
  const zip = buildZip([{ name: "proc_config.cfg", data: `[QMOptions]\nscript : sh run.sh\n${cfg}` }, { name: "run.sh", data: script }]);
  form.append("file", new Blob([new Uint8Array(zip)], { type: "application/zip" }), `${name}.zip`);
  return (await api<{ job: { id: number } }>("/api/jobs", { method: "POST", body: form })).job.id;
}

const mainPid = () => Number(inside("systemctl", "show", "-p", "MainPID", "--value", "qm-worker").trim());
const runCgroups = () => inside("find", "/sys/fs/cgroup/memory/qm", "/sys/fs/cgroup/cpuset/qm", "/sys/fs/cgroup/cpuacct/qm", "-mindepth", "2", "-type", "d").trim();
const jobUidProcesses = () => inside("ps", "-eo", "uid=,pid=,args=").split("\n").filter((l) => /^\s*646\d\d\s/.test(l));

describe.skipIf(skipReason)("deploy/systemd under a real systemd", () => {
  beforeAll(async () => {
    buildIfNeeded(projectRoot); // a no-op after `npm test`'s build stage
    state = fs.mkdtempSync(path.join(os.tmpdir(), "qm-systemd-"));
    port = await freePort();
    const started = Date.now();
    execFileSync(TOOL, ["boot", state, projectRoot], { encoding: "utf8" });
    init = Number(fs.readFileSync(path.join(state, "pid"), "utf8"));
    installAsDeployDocSays();
    await waitFor("/api/health ok", async () => (await fetch(`http://127.0.0.1:${port}/api/health`).then((r) => r.json()).catch(() => null))?.status === "ok", 30_000, 100);
    console.log(`systemd booted, QueueManager installed and healthy in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  });

  afterAll(() => {
    if (!state) return;
    const mountNs = fs.readlinkSync(`/proc/${init}/ns/mnt`);
    execFileSync(TOOL, ["destroy", state]);
    // Nothing left of the namespace: no process in it, no control group of it, the state folder gone.
    const leftovers = fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p)).filter((p) => { try { return fs.readlinkSync(`/proc/${p}/ns/mnt`) === mountNs; } catch { return false; } });
    expect(leftovers).toEqual([]);
    expect(fs.existsSync(state)).toBe(false);
    expect(execFileSync("findmnt", ["-rn", "-o", "TARGET"], { encoding: "utf8" })).not.toContain(state);
  });

  it("starts both services; a job runs as a pool uid, in its control groups, under the worker unit's capabilities, and its log is readable by the web", async () => {
    expect(inside("systemctl", "is-active", "qm-web", "qm-worker").split("\n").slice(0, 2)).toEqual(["active", "active"]);
    const id = await submit("probe", "mem : 200M\n");
    await inState(id, ["running"]);
    // The web server (account qm, no capabilities) shows the running job's log.
    const log = await waitFor("the job's first lines", async () => { const text = await fetch(`http://127.0.0.1:${port}/api/jobs/${id}/log`, { headers: { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}` } }).then((r) => r.text()); return text.includes("memory.limit=") ? text : null; }, 10_000, 100);
    expect(log).toMatch(/uid=646\d\d/);
    raiseFlag("probe");
    const done = await inState(id, ["done", "failed"]);
    const processLog = fs.readFileSync(there(`${QM}/${done.folder}/process.log`), "utf8");
    expect(done.state, processLog).toBe("done");
    expect(processLog).toContain(`uid=${done.resources.runAs!.replace("qm-job-", "")}`);
    expect(processLog).toContain(`CapBnd:\t${WORKER_CAPS}`);
    expect(processLog).toMatch(/NoNewPrivs:\t1/);
    expect(processLog).toContain(`memory.limit=${200 * 1024 * 1024}`);
    expect(inside("journalctl", "-u", "qm-web", "--no-pager", "-o", "cat")).toContain(`job=${id} submitted`);
  });

  it("restarts a SIGKILLed worker (Restart=on-failure), which adopts the running job: it ends done, run once", async () => {
    const id = await submit("survivor");
    await inState(id, ["running"]);
    const before = mainPid();
    inside("kill", "-9", String(before));
    await waitFor("a new worker", () => { const pid = mainPid(); return pid !== 0 && pid !== before && inside("systemctl", "is-active", "qm-worker").trim() === "active"; }, 20_000, 200);
    await waitFor("the adoption", () => inside("journalctl", "-u", "qm-worker", "--no-pager", "-o", "cat").includes(`job=${id} recovery: still runs`), 10_000, 200);
    raiseFlag("survivor");
    const done = await inState(id, ["done", "failed", "lost"]);
    const processLog = fs.readFileSync(there(`${QM}/${done.folder}/process.log`), "utf8");
    expect(done.state, processLog).toBe("done");
    expect(done.events.filter((e) => e.kind === "running")).toHaveLength(1);
    expect(processLog.match(/flag seen/g)).toHaveLength(1);
  });

  it("systemctl stop with Shutdown_Jobs = keep stops the worker alone; the next start adopts the job", async () => {
    const id = await submit("kept");
    await inState(id, ["running"]);
    inside("systemctl", "stop", "qm-worker");
    expect(inside("systemctl", "show", "-p", "ActiveState", "--value", "qm-worker").trim()).toBe("inactive");
    expect(inside("ps", "-eo", "args=")).not.toMatch(/dist\/worker\/(main|spawner)\.mjs/);
    expect(jobUidProcesses().join("\n")).toMatch(/sh run\.sh/);
    inside("systemctl", "start", "qm-worker");
    await waitFor("the adoption", () => inside("journalctl", "-u", "qm-worker", "--no-pager", "-o", "cat").includes(`job=${id} recovery: still runs`), 10_000, 200);
    raiseFlag("kept");
    const done = await inState(id, ["done", "failed", "lost"]);
    expect(done.state).toBe("done");
    expect(done.events.filter((e) => e.kind === "running")).toHaveLength(1);
  });

  it("systemctl stop with Shutdown_Jobs = requeue puts the running job back and leaves no process or control group", async () => {
    const cfg = there("/var/lib/queuemanager/QMserv.cfg");
    fs.writeFileSync(cfg, fs.readFileSync(cfg, "utf8").replace("[QMServer]\n", "[QMServer]\nShutdown_Jobs = requeue\n"));
    await waitFor("the worker to reload QMserv.cfg", () => inside("journalctl", "-u", "qm-worker", "--no-pager", "-o", "cat").includes("Shutdown_Jobs keep -> requeue"), 10_000, 200);
    const id = await submit("stopped");
    await inState(id, ["running"]);
    inside("systemctl", "stop", "qm-worker");
    expect(inside("systemctl", "show", "-p", "ActiveState", "--value", "qm-worker").trim()).toBe("inactive");
    expect(jobUidProcesses()).toEqual([]);
    expect(runCgroups()).toBe("");
    expect(inside("systemd-cgls", "--no-pager", "/queuemanager.slice")).not.toMatch(/run\.sh|setpriv|spawner/);
    const back = await job(id);
    expect(back.state).toBe("queued");
    expect(fs.existsSync(there(`${QM}/QM_qJobs/stopped/run.sh`))).toBe(true);
  });

  it("runs the backup timer's service", () => {
    inside("systemctl", "start", "qm-backup.service");
    expect(fs.readdirSync(there("/var/lib/queuemanager/backups"))).toEqual([expect.stringMatching(/^qm-.*\.db$/)]);
    expect(inside("journalctl", "-u", "qm-backup", "--no-pager", "-o", "cat")).toMatch(/wrote \/var\/lib\/queuemanager\/backups\/qm-.*integrity ok/);
  });
});
