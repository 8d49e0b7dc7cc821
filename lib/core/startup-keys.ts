/**
 * Keys of QMserv.cfg that a program reads only when it starts (KNOWN_KEYS' `restart`):
 * the web server binds Host and The_Port once, the worker sets up its executor, job
 * identities and confinement once, and both programs stay on the QM_FOLDER
 * they started with, so that the web app never places an upload in a folder the worker
 * does not watch. A changed value is saved at once and takes effect at the next start;
 * until then the running program keeps its start-up value and can say which keys wait.
 */
import { KNOWN_KEYS } from "./config-keys";
import { formatCpuList } from "./cpu-sets";
import type { QmConfig } from "./qm-config";

export type Program = "web" | "worker";

interface StartupField {
  key: string;
  read(config: QmConfig): string;
  keep(config: QmConfig, started: QmConfig): QmConfig;
}

const FIELDS: StartupField[] = [
  { key: "QM_FOLDER", read: (c) => c.qmFolder, keep: (c, s) => ({ ...c, qmFolder: s.qmFolder }) },
  { key: "Host", read: (c) => c.web.host, keep: (c, s) => ({ ...c, web: { ...c.web, host: s.web.host } }) },
  { key: "The_Port", read: (c) => String(c.web.port), keep: (c, s) => ({ ...c, web: { ...c.web, port: s.web.port } }) },
  { key: "executor", read: (c) => c.executor, keep: (c, s) => ({ ...c, executor: s.executor }) },
  // The worker sets up job identities and confinement once (worker/create-worker.ts).
  { key: "Job_Uids", read: (c) => c.jobUids, keep: (c, s) => ({ ...c, jobUids: s.jobUids }) },
  { key: "Run_As", read: (c) => c.runAs, keep: (c, s) => ({ ...c, runAs: s.runAs }) },
  { key: "Limits", read: (c) => c.limits.mode, keep: (c, s) => ({ ...c, limits: { ...c.limits, mode: s.limits.mode } }) },
  { key: "CPU_List", read: (c) => (c.limits.cpuList ? formatCpuList(c.limits.cpuList) : "all"), keep: (c, s) => ({ ...c, limits: { ...c.limits, cpuList: s.limits.cpuList } }) },
  // As written (auto is resolved by nvidia-smi when the worker starts).
  { key: "GPU_List", read: (c) => (c.gpuList === "auto" ? "auto" : c.gpuList.join(",") || "none"), keep: (c, s) => ({ ...c, gpuList: s.gpuList }) },
];

/** The startup fields `program` must keep, from the `restart` marks of KNOWN_KEYS. */
function fieldsOf(program: Program): (StartupField & { id: string })[] {
  return FIELDS.flatMap((field) => {
    const spec = KNOWN_KEYS.find((k) => k.key === field.key);
    return spec?.restart?.includes(program) ? [{ ...field, id: `${spec.section}.${spec.key}` }] : [];
  });
}

/** `next` with the start-up values `program` keeps until it restarts. */
export function keepStartupValues(next: QmConfig, started: QmConfig, program: Program): QmConfig {
  return fieldsOf(program).reduce((config, field) => field.keep(config, started), next);
}

/** A key whose saved value waits for a restart of `program`. */
export interface PendingRestart {
  /** Field id, "Section.Key". */
  id: string;
  key: string;
  inForce: string;
  inFile: string;
}

/** The keys whose value in the file differs from the one `program` runs with. */
export function pendingRestarts(inFile: QmConfig, inForce: QmConfig, program: Program): PendingRestart[] {
  return fieldsOf(program)
    .filter((field) => field.read(inFile) !== field.read(inForce))
    .map((field) => ({ id: field.id, key: field.key, inForce: field.read(inForce), inFile: field.read(inFile) }));
}

/**
 * The start-up values `program` runs with, by key ("Limits": "cgroup1"): what the worker
 * records in its heartbeat so that the web server, which cannot see them, can tell which
 * saved keys wait for the worker's restart (pendingRestartsOf).
 */
export function startupValues(inForce: QmConfig, program: Program): Record<string, string> {
  return Object.fromEntries(fieldsOf(program).map((field) => [field.key, field.read(inForce)]));
}

/** pendingRestarts against the values another program recorded (startupValues); a key it did not record is left out. */
export function pendingRestartsOf(inFile: QmConfig, recorded: Record<string, string>, program: Program): PendingRestart[] {
  return fieldsOf(program)
    .filter((field) => field.key in recorded && field.read(inFile) !== recorded[field.key])
    .map((field) => ({ id: field.id, key: field.key, inForce: recorded[field.key], inFile: field.read(inFile) }));
}
