/**
 * The local executor: jobs run on this machine, each under a wrapper process that leads a
 * session of its own and keeps the worker's privileges: it joins the run's control groups,
 * starts the job's command (as the run's unprivileged identity when the worker is root:
 * worker/local/identity.ts), waits for it through any signal, and writes the run's exit
 * record. Runs outlive the worker: a later worker finds them by pid and start time (find)
 * and reads how they ended from their record. Wrapper and fork live in a small helper
 * process (spawner.c, or spawner.pl where no C compiler built it): forking the worker is
 * slow, and a wrapper forked from the helper needs no shell or setpriv exec'd for each job.
 */
import fs from "node:fs";
import path from "node:path";
import { exitRecordName } from "../../lib/core/exit-record";
import { LOG_FILE, logHeader, runsAsNote } from "../../lib/core/job-log";
import { readTail } from "../../lib/server/read-tail";
import type { ExitReport, Executor, LaunchSpec, Reservation, RunSample, StartedRun } from "../executor";
import { jobVariables } from "../job-env";
import type { IdentityPool, JobIdentity } from "./identity";
import { type Confinement, type Limits, NO_CONFINEMENT } from "./limits/confinement";
import { closeToAllButRoot, handOver, takeBack } from "./job-folder-owner";
import { findJobProcesses, groupAndSessionOf, groupOf, sampleGroups } from "./process-tree";
import { type RunScope, terminateRun } from "./run-scope";
import { createProcessWatch, exitReportOf, isRunAlive, processStartTime, processesByRunToken, runOf, runOfToken } from "./run-watch";
import { type SpawnerStatus, UID_UNUSABLE, defaultSpawnerKind, startSpawner } from "./spawner-client";
import { processOwner } from "./uid-traces";
import { CAP_SYS_ADMIN, hasCapability } from "./capabilities";

export interface LocalExecutorOptions {
  /** Base environment of every job. */
  jobEnv: NodeJS.ProcessEnv;
  log: (m: string) => void;
  /** QM_Jobs: where runs of an earlier worker are looked for. */
  runningDir: string;
  /** `.qm/runs`: the runs' exit records. */
  runsDir: string;
  /** Who runs run as. */
  identities: IdentityPool;
  /** Kill_Grace, as configured now. */
  graceMs: () => number;
  /** Who owns QM_FOLDER: finished folders go back to it, so the web app can move and delete them. */
  serviceOwner: { uid: number; gid: number };
  /** How runs are held to their CPUs and memory (worker/local/limits). */
  limits: Limits;
  /** Every GPU the worker hands out (GPU_List): a run may not open the device files of those it was not given. */
  gpus: number[];
}

/** What a run's runInfo says about its processes and identity (what find() reads back). */
interface LocalRunInfo {
  executor: "local";
  pid: number;
  startTime: string | null;
  uid?: number;
  gid?: number;
  user?: string;
  exclusive?: boolean;
}

/** A run that never started: nothing ran, `reason` says why. */
const notStarted = (reason: string): ExitReport => ({ exitCode: null, signal: null, cpuSeconds: null, error: `could not start: ${reason}`, notStarted: true });

const identityFields = (identity: JobIdentity | null) => (identity ? { uid: identity.uid, gid: identity.gid, user: identity.name, exclusive: identity.exclusive } : {});

const identityOf = (info: Partial<LocalRunInfo>): JobIdentity | null =>
  info.uid !== undefined ? { uid: info.uid, gid: info.gid ?? info.uid, name: info.user ?? `uid ${info.uid}`, exclusive: info.exclusive === true } : null;

const scopeOf = (info: Partial<LocalRunInfo>, confinement: Confinement): RunScope => ({
  pgid: Number(info.pid ?? 0),
  uid: info.exclusive ? info.uid : undefined,
  ...(confinement.procsFiles.length ? { cgroupMembers: () => confinement.members() } : {}),
});

export function createLocalExecutor(opts: LocalExecutorOptions): Executor {
  const watch = createProcessWatch();
  const spawnerKind = defaultSpawnerKind();
  if (spawnerKind === "perl") opts.log("jobs start through the Perl spawner (worker/local/spawner.pl): no C compiler built qm-spawner, which costs less per run (docs/performance.md)");
  if (opts.identities.isolation === "uid" && !hasCapability(CAP_SYS_ADMIN)) {
    opts.log("runs share the worker's System V IPC and POSIX message queues (no CAP_SYS_ADMIN, as the qm-worker unit has it, to give each its own): what a pool uid leaves there is removed at its run's end, message queues only where /dev/mqueue is mounted (systemd mounts it; docs/security.md)");
  }
  const spawner = startSpawner(opts.jobEnv, opts.log, spawnerKind);
  /** The confinement of each run this worker watches, by wrapper pid. */
  const confinements = new Map<number, Confinement>();
  const confinementOf = (run: StartedRun) => confinements.get(run.pid) ?? NO_CONFINEMENT;

  /**
   * The run's main process has ended: stop what it left (its group, and every process of
   * its exclusive uid), give its folder back to the service, release its identity.
   */
  const wrapUp = async (dir: string, info: LocalRunInfo, confinement: Confinement, report: ExitReport): Promise<ExitReport> => {
    const identity = identityOf(info);
    const leftovers = await terminateRun(scopeOf(info, confinement), opts.graceMs());
    // What the cgroup counted, before it goes: exact CPU, peak memory, memory kills. With
    // nothing left of the run when it was looked at, the counts are final.
    const usage = confinement.usage();
    const oomKills = confinement.oomKills();
    const oom = oomKills > 0 && report.exitCode !== 0;
    confinement.remove(leftovers === 0 ? { usage, oomKills } : undefined);
    confinements.delete(info.pid);
    // A run adopted before its identity was recorded (worker/run-records.ts) ran as some
    // uid all the same: its folder is taken back whenever runs change identity.
    const takenBack = identity || opts.identities.isolation === "uid" ? await takeBackFolder(dir, identity) : true;
    // A pool uid is retired when its files may still be the uid's (a set-ID program among
    // them), or when the spawner found its keyring locked by an earlier run: every later run
    // on it would end 126.
    const unusable = !takenBack ? "what its run left could not be taken back" : identity?.exclusive && report.exitCode === 126 && readTail(path.join(dir, LOG_FILE)).includes(UID_UNUSABLE) ? "an earlier run locked its keyring" : null;
    if (identity?.exclusive && unusable) opts.identities.retire(identity, unusable);
    else if (identity) opts.identities.release(identity);
    return {
      ...report,
      ...(usage ? { cpuSeconds: Math.round(usage.cpuSeconds * 1000) / 1000 } : {}),
      ...(usage?.peakKb ? { peakMemoryKb: usage.peakKb } : {}),
      ...(oom ? { limit: "oom" as const } : oomKills > 0 ? { memoryKills: oomKills } : {}),
      ...(leftovers ? { leftovers } : {}),
    };
  };

  /**
   * The run's folder back to the service (takeBack); false when that failed part way: the
   * folder, which would go to QM_dJobs with entries still the run's uid's, is then closed to
   * all but root, and the uid is not used again by this worker.
   */
  const takeBackFolder = async (dir: string, identity: JobIdentity | null): Promise<boolean> => {
    // Adopted with no identity recorded: any pool uid's files may be the run's.
    const isRunUid = identity ? (uid: number) => identity.exclusive && uid === identity.uid : opts.identities.isPoolUid;
    try {
      await takeBack(dir, opts.serviceOwner, { isRunUid, isPoolUid: opts.identities.isPoolUid, account: identity && !identity.exclusive ? identity.uid : null });
      return true;
    } catch (error) {
      const closed = closeToAllButRoot(dir);
      const uid = identity?.exclusive ? `; uid ${identity.uid} is not used again by this worker` : "";
      opts.log(`cannot take back ${dir} from ${identity?.name ?? "its run"}: ${(error as Error).message}; ${closed ? "the folder is closed to all but root (root's, mode 0700) until the administrator has looked at it" : "it could not be closed either"}${uid}`);
      return false;
    }
  };

  /** A run whose end this process will not hear of from the spawner: watched by polling. */
  const watchRun = async (pid: number, startTime: string | null, runToken: string): Promise<ExitReport> => {
    await watch.whenGone(pid, startTime);
    return exitReportOf(opts.runsDir, runToken, { exitCode: null, signal: null, error: "the run ended while no worker watched it and left no exit record" });
  };

  /** The group a running job's folder gets: the service's, unless a job could have it too. */
  let warnedGroup = false;
  const folderGroup = () => {
    const gid = opts.serviceOwner.gid;
    if (!opts.identities.mayRunWithGid(gid)) return gid;
    if (!warnedGroup) opts.log(`jobs may run with group ${gid}, QM_FOLDER's: running jobs' folders are private to them (0700), and a web server that is not root cannot show their files until they end`);
    warnedGroup = true;
    return null;
  };

  /** What each reservation holds: the run's identity, or why it cannot have one (told at its start). */
  const reserved = new WeakMap<Reservation, { identity: JobIdentity | null } | { error: Error }>();
  const reserve = (runAs: string[]) => {
    let claimed;
    try {
      claimed = opts.identities.claim(runAs);
    } catch (error) {
      const reservation = { cancel: () => {} };
      reserved.set(reservation, { error: error as Error });
      return reservation;
    }
    if (claimed && "wait" in claimed) return claimed;
    const identity = claimed;
    const reservation = { cancel: () => void (identity && opts.identities.unclaim(identity)) };
    reserved.set(reservation, { identity });
    return reservation;
  };
  /** The reservation's identity (once), or one claimed now for a start without one. */
  const identityFor = (spec: LaunchSpec): JobIdentity | null => {
    const held = spec.reservation && reserved.get(spec.reservation);
    if (spec.reservation) reserved.delete(spec.reservation);
    if (held && "error" in held) throw held.error;
    if (held) return held.identity;
    const claimed = opts.identities.claim(spec.runAs);
    if (claimed && "wait" in claimed) throw new Error(claimed.wait);
    return claimed;
  };

  const startRun = async (spec: LaunchSpec): Promise<StartedRun> => {
    let identity: JobIdentity | null = null;
    try {
      identity = identityFor(spec);
      return await spawnRun(spec, identity);
    } catch (error) {
      // Nothing runs (a uid pool full, a folder or cgroup refused): the run ends at once
      // with the reason, as a failed start, and what it took is given back.
      const info: LocalRunInfo = { executor: "local", pid: 0, startTime: null, ...identityFields(identity) };
      return { pid: 0, runInfo: { ...info }, exited: wrapUp(spec.dir, info, opts.limits.find(spec.runToken) ?? NO_CONFINEMENT, notStarted((error as Error).message)) };
    }
  };

  const spawnRun = async (spec: LaunchSpec, identity: JobIdentity | null): Promise<StartedRun> => {
    const env = jobVariables(spec);
    if (identity) {
      await handOver(spec.dir, identity, folderGroup());
      // HOME: a Run_As account's own (its ~/.local, its tools' settings); a pool uid's run,
      // which has none, its folder (docs/worker.md, "A job's environment").
      Object.assign(env, { HOME: identity.home ?? spec.dir, USER: identity.name, LOGNAME: identity.name });
    }
    const confinement = opts.limits.confine(spec.runToken, { cpus: spec.cpus, memMb: spec.memMb, denyGpus: opts.gpus.filter((g) => !spec.gpus.includes(g)) });
    // Tokens are random and new for each start: no earlier record of this one to remove.
    const exitRecord = path.join(opts.runsDir, exitRecordName(spec.runToken));
    const notes = [...(spec.notes ?? []), identity ? runsAsNote(identity.name, identity.uid) : "runs with the worker's own privileges"];
    const { pid, ended } = await spawner.spawn({
      dir: spec.dir,
      log: path.join(spec.dir, LOG_FILE),
      header: logHeader({ ...spec, notes }),
      exitRecord,
      cgroups: confinement.procsFiles,
      runAs: identity ? { uid: identity.uid, gid: identity.gid, pool: identity.exclusive } : null,
      command: [...confinement.prefix, "/bin/sh", "-c", spec.script],
      env,
    });
    confinements.set(pid, confinement);
    const startTime = pid > 0 ? processStartTime(pid) : null;
    const info: LocalRunInfo = { executor: "local", pid, startTime, ...identityFields(identity) };
    const howItEnded = (status: SpawnerStatus): ExitReport | Promise<ExitReport> => {
      if (pid === 0) return notStarted(status.error ?? "the spawner gave no reason");
      // The spawner died: the run goes on without it; watch it until it ends.
      if (status.error === "spawner-died") return watchRun(pid, startTime, spec.runToken);
      return exitReportOf(opts.runsDir, spec.runToken, status);
    };
    const exited = ended.then(howItEnded).then((report) => wrapUp(spec.dir, info, confinement, report));
    return { pid, runInfo: { ...info }, exited };
  };

  return {
    name: "local",
    // A run's processes carry its token: find() needs no pid recorded.
    findsUnrecordedRuns: true,
    prepare: () => opts.limits.warmUp(),
    reserve,
    start: startRun,
    terminate(run, graceMs, onKill) {
      void terminateRun(scopeOf(run.runInfo as Partial<LocalRunInfo>, confinementOf(run)), graceMs, onKill);
    },
    sample(runs) {
      const out = new Map<StartedRun, RunSample>();
      const unconfined = runs.filter((run) => {
        const usage = confinementOf(run).usage();
        if (usage) out.set(run, { memoryKb: usage.peakKb ?? usage.memoryKb, cpuSeconds: usage.cpuSeconds });
        return !usage;
      });
      // Without a cgroup: one pass over /proc for all of them (sampled, not exact).
      const samples = unconfined.length ? sampleGroups(new Set(unconfined.map((r) => r.pid))) : new Map();
      for (const run of unconfined) {
        const s = samples.get(run.pid);
        if (s) out.set(run, { memoryKb: Math.max(s.rssKb, s.hwmKb), cpuSeconds: s.cpuSeconds });
      }
      return out;
    },
    async find(record) {
      const recorded = (record.runInfo ?? {}) as Partial<LocalRunInfo>;
      let pid = Number(recorded.pid ?? 0);
      let startTime = recorded.startTime ?? null;
      let found: Partial<LocalRunInfo> = {};
      if (!pid) {
        // Started but not recorded (the worker died in between): its processes carry the
        // token, and those of the job itself (not its wrapper) its identity (runOfToken).
        const pids = processesByRunToken(opts.runningDir).get(record.runToken) ?? [];
        const workerUid = process.getuid?.() ?? null;
        const facts = (p: number) => ({ owner: processOwner(p), ...groupAndSessionOf(p) });
        let uid: number | null;
        ({ pid, uid } = runOfToken(pids, facts, workerUid, opts.identities.isolation === "uid" ? workerUid : null));
        startTime = pid ? processStartTime(pid) : null;
        if (uid != null && opts.identities.isolation === "uid") found = identityFields(opts.identities.identityOf(uid));
      }
      const info: LocalRunInfo = { ...recorded, ...found, executor: "local", pid, startTime };
      const identity = identityOf(info);
      if (identity) opts.identities.hold(identity);
      const confinement = opts.limits.find(record.runToken) ?? NO_CONFINEMENT;
      if (pid && isRunAlive(pid, startTime)) {
        confinements.set(pid, confinement);
        return { state: "running", run: { pid, runInfo: { ...info }, exited: watchRun(pid, startTime, record.runToken).then((r) => wrapUp(record.dir, info, confinement, r)) } };
      }
      const exit = exitReportOf(opts.runsDir, record.runToken, { exitCode: null, signal: null, error: "none" });
      const report = await wrapUp(record.dir, info, confinement, exit);
      return exit.error ? { state: "gone", reason: "its processes are gone and it left no exit record" } : { state: "ended", exit: report };
    },
    async sweep(known, graceMs, log) {
      const stopping: Promise<number>[] = [];
      const stop = (what: string, pids: number[]) => {
        log(`recovery: stopping ${pids.length} process(es) of ${what}, which no job claims`);
        for (const pgid of new Set(pids.map(groupOf).filter((g) => g > 1))) stopping.push(terminateRun({ pgid }, graceMs));
      };
      for (const [token, pids] of processesByRunToken(opts.runningDir)) if (!known.has(token)) stop(`run ${token}`, pids);
      // Runs of an earlier version, which did not name its runs: found by their folder.
      for (const [dir, pids] of findJobProcesses(opts.runningDir)) {
        const unnamed = pids.filter((p) => runOf(p).token === null);
        if (unnamed.length) stop(path.basename(dir), unnamed);
      }
      await Promise.all(stopping);
      opts.limits.sweep(known);
      for (const file of fs.readdirSync(opts.runsDir)) {
        if (!known.has(file.replace(/\.exit$/, ""))) fs.rmSync(path.join(opts.runsDir, file), { force: true });
      }
    },
    async close() {
      watch.close();
      spawner.close();
      opts.limits.release(confinements.size > 0); // the runs still watched go on
      await opts.identities.close();
    },
  };
}
