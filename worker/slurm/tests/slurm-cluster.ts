/**
 * A throw-away single-node Slurm for tests, e2e and benchmarks: munged, slurmctld and
 * slurmd started as child processes in a temporary folder, on free ports, with their own
 * munge socket (nothing of the machine's own Slurm or munge is used or touched), no
 * accounting, no systemd. About 2-3 s to an idle node. Needs root and the Debian packages
 * slurm-wlm and munge.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { freePort } from "../../../scripts/free-port";

export interface SlurmCluster {
  dir: string;
  /** SLURM_CONF for every Slurm command aimed at this cluster. */
  conf: string;
  /** Stop slurmctld (jobs go on running on the node), and start it again. */
  stopController(): Promise<void>;
  startController(): Promise<void>;
  /** Cancel every job, stop the daemons, remove the folder. */
  stop(): Promise<void>;
}

export interface ClusterOptions {
  /** CPUs of the node (more than the machine has is fine: jobs here mostly sleep). */
  cpus?: number;
  memoryMb?: number;
  /** Folders the node does not see (slurmd runs in a mount namespace of its own with an empty tmpfs over each): a node that does not share them. */
  hide?: string[];
  /**
   * GPUs of the node, as a generic resource: stand-ins, since this machine has none (two
   * tty device files); Slurm hands them out and sets CUDA_VISIBLE_DEVICES as for real ones.
   */
  gpus?: number;
}


const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why this machine cannot run a test cluster, or null when it can. */
export function clusterUnavailable(): string | null {
  if (process.getuid?.() !== 0) return "the Slurm tests start slurmd, which must run as root";
  for (const bin of ["/usr/sbin/slurmctld", "/usr/sbin/slurmd", "/usr/sbin/munged", "/usr/bin/sbatch", "/etc/munge/munge.key"]) {
    if (!fs.existsSync(bin)) return `${bin} is missing: install the Debian packages slurm-wlm and munge (apt-get install slurm-wlm munge)`;
  }
  return null;
}

function slurmConf(dir: string, host: string, ports: number[], opts: ClusterOptions): string {
  return `# A throw-away single-node cluster for QueueManager's tests.
ClusterName=qmtest
SlurmctldHost=${host}(127.0.0.1)
SlurmctldPort=${ports[0]}
SlurmdPort=${ports[1]}
SlurmUser=root
AuthType=auth/munge
AuthInfo=socket=${dir}/munge/socket
CredType=cred/munge
MpiDefault=none
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
AccountingStorageType=accounting_storage/none
JobAcctGatherType=jobacct_gather/none
JobCompType=jobcomp/none
StateSaveLocation=${dir}/state
SlurmdSpoolDir=${dir}/spool
SlurmctldPidFile=${dir}/slurmctld.pid
SlurmdPidFile=${dir}/slurmd.pid
SlurmctldLogFile=${dir}/log/slurmctld.log
SlurmdLogFile=${dir}/log/slurmd.log
SchedulerParameters=batch_sched_delay=0
SlurmdParameters=config_overrides
ReturnToService=2
KillWait=5
MinJobAge=300
${opts.gpus ? "GresTypes=gpu\n" : ""}NodeName=${host} NodeAddr=127.0.0.1 CPUs=${opts.cpus ?? 8} RealMemory=${opts.memoryMb ?? 4000}${opts.gpus ? ` Gres=gpu:${opts.gpus}` : ""}
PartitionName=debug Nodes=${host} Default=YES MaxTime=INFINITE State=UP
`;
}

export async function startSlurmCluster(opts: ClusterOptions = {}): Promise<SlurmCluster> {
  const problem = clusterUnavailable();
  if (problem) throw new Error(problem);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-slurm-"));
  fs.chmodSync(dir, 0o755); // munged (user munge) must reach its socket folder
  for (const sub of ["state", "spool", "log", "munge"]) fs.mkdirSync(path.join(dir, sub));
  execFileSync("chown", ["munge:munge", path.join(dir, "munge")]);
  fs.chmodSync(path.join(dir, "munge"), 0o711);
  const host = execFileSync("hostname", ["-s"], { encoding: "utf8" }).trim();
  const conf = path.join(dir, "slurm.conf");
  // Two different ports: a port given back can be handed out again at once (slurmctld then
  // "talking with itself", SlurmctldPort == SlurmdPort, was seen in a run).
  const ctldPort = await freePort();
  let slurmdPort = await freePort();
  while (slurmdPort === ctldPort) slurmdPort = await freePort();
  fs.writeFileSync(conf, slurmConf(dir, host, [ctldPort, slurmdPort], opts));
  // gres.conf sits beside slurm.conf; /dev/tty1.. exist on any Linux and nothing opens them.
  if (opts.gpus) fs.writeFileSync(path.join(dir, "gres.conf"), `Name=gpu File=/dev/tty[1-${opts.gpus}]\n`);
  const env = { ...process.env, SLURM_CONF: conf };
  const daemon = (name: string, cmd: string, args: string[]) => {
    const out = fs.openSync(path.join(dir, "log", `${name}.out`), "a");
    const child = spawn(cmd, args, { env, stdio: ["ignore", out, out] });
    fs.closeSync(out);
    return child;
  };
  const munge = ["--socket", `${dir}/munge/socket`, "--pid-file", `${dir}/munge/pid`, "--seed-file", `${dir}/munge/seed`, "--log-file", `${dir}/munge/log`];
  const munged = daemon("munged", "setpriv", ["--reuid=munge", "--regid=munge", "--init-groups", "munged", "-F", ...munge]);
  await waitUntil("munged's socket", () => fs.existsSync(`${dir}/munge/socket`), 5_000);
  let controller: ChildProcess | undefined = daemon("slurmctld", "slurmctld", ["-D", "-f", conf]);
  const hide = (opts.hide ?? []).map((dir) => `mount -t tmpfs qm-hidden ${JSON.stringify(dir)} && `).join("");
  const node = hide ? daemon("slurmd", "unshare", ["--mount", "--propagation", "private", "sh", "-c", `${hide}exec slurmd -D -f "$0"`, conf]) : daemon("slurmd", "slurmd", ["-D", "-f", conf]);
  const sinfo = () => {
    try {
      return execFileSync("sinfo", ["--noheader", "--format=%T"], { env, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
    } catch {
      return "";
    }
  };
  await waitUntil("an idle Slurm node", () => sinfo() === "idle", 20_000, dir);

  const stopChild = async (child: ChildProcess | undefined) => {
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = new Promise((r) => child.once("exit", r));
    child.kill("SIGTERM");
    await Promise.race([exited, sleep(5_000).then(() => child.kill("SIGKILL"))]);
  };
  return {
    dir,
    conf,
    async stopController() {
      await stopChild(controller);
      controller = undefined;
    },
    async startController() {
      controller = daemon("slurmctld", "slurmctld", ["-D", "-f", conf]);
      await waitUntil("slurmctld answering", () => sinfo() !== "", 20_000, dir);
    },
    async stop() {
      try {
        execFileSync("scancel", ["--user=root"], { env, stdio: "ignore" });
      } catch {
        // nothing to cancel, or no controller
      }
      await stopChild(controller);
      await stopChild(node);
      killJobProcesses(conf);
      await stopChild(munged);
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

async function waitUntil(what: string, probe: () => boolean, timeoutMs: number, logDir?: string): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!probe()) {
    if (Date.now() > end) {
      const logs = logDir ? ["slurmctld.out", "slurmd.out"].map((f) => fs.readFileSync(path.join(logDir, "log", f), "utf8").slice(-800)).join("\n") : "";
      throw new Error(`test Slurm cluster: timed out waiting for ${what}\n${logs}`);
    }
    await sleep(100);
  }
}

/**
 * Processes of this cluster's jobs that outlived slurmd: the jobs' own (Slurm gave them a
 * job id) and their slurmstepd (it keeps trying to report to the gone slurmd); both carry
 * its SLURM_CONF.
 */
function killJobProcesses(conf: string): void {
  for (const pid of fs.readdirSync("/proc").filter((p) => /^\d+$/.test(p))) {
    try {
      const env = fs.readFileSync(`/proc/${pid}/environ`, "utf8").split("\0");
      const stepd = fs.readFileSync(`/proc/${pid}/comm`, "utf8").trim() === "slurmstepd";
      if (env.includes(`SLURM_CONF=${conf}`) && (stepd || env.some((v) => v.startsWith("SLURM_JOB_ID=")))) process.kill(Number(pid), "SIGKILL");
    } catch {
      // gone, or not ours to read
    }
  }
}
