/**
 * Checks of the keys that keep QueueManager running for years (retention, free space,
 * metrics) that a single key's type cannot express. Called by readQmConfig, so a wrong value
 * is refused like any other bad key (admin form, worker reload).
 */
import { type ArchivePlaces, archiveFolderProblem } from "./archive-folder-check";
import { parseRangeList } from "./ip-address";
import type { KeySpec } from "./config-keys";
import type { QmConfig } from "./qm-config";

/** Retention and free space, in [QMServer] (in the default file's order, after Recovery). */
export const OPS_SERVER_KEYS: KeySpec[] = [
  { section: "QMServer", key: "Keep_Days", type: "integer", default: "0", min: 0, max: 36500, help: "the worker's daily retention pass removes the folders of jobs that ended more than this many days ago (their rows stay as history); 0: keep them forever" },
  { section: "QMServer", key: "Keep_Max_GB", type: "text", default: "0", help: "most disk space QM_dJobs and QM_lost+found may take, in GB (decimals allowed: 0.5): beyond it the retention pass removes the oldest finished jobs' folders first; 0: no ceiling" },
  { section: "QMServer", key: "Archive_Folder", type: "text", default: "", help: "the retention pass moves folders here (a folder of its own, e.g. /srv/qm-archive on a bigger disk; not inside QM_FOLDER nor holding it, not the data or database folder, not a system folder such as /etc or /usr; each folder on the way root's and writable by root alone) instead of deleting them; empty: delete" },
  { section: "QMServer", key: "Min_Free_MB", type: "integer", default: "1024", min: 0, max: 100000000, help: "free space QM_FOLDER's disk must keep, in MB: below it uploads are refused and no new job starts (running jobs go on) until space returns; 0: no check" },
  { section: "QMServer", key: "Min_Free_Inodes", type: "integer", default: "10000", min: 0, max: 1000000000, help: "free inodes (files that may still be created) QM_FOLDER's disk must keep: below it uploads are refused and no new job starts (running jobs go on) until files are removed, as below Min_Free_MB; a filesystem without a fixed number of inodes (btrfs) is never short; 0: no check" },
];

/** Who may read the metrics, in [WEB_QMserver]. */
export const OPS_WEB_KEYS: KeySpec[] = [
  { section: "WEB_QMserver", key: "Metrics_Token", type: "secret", default: "", help: "token that lets Prometheus read /api/metrics from anywhere (header Authorization: Bearer <token>); empty: only the administrator and Metrics_Allow" },
  { section: "WEB_QMserver", key: "Metrics_Allow", type: "text", default: "", help: "addresses or CIDR ranges that may read /api/metrics without the token or a login, comma-separated (empty: none). Listing 127.0.0.1 opens the metrics to every job script on this machine" },
];

type RawValue = (section: "QMServer" | "WEB_QMserver", key: string) => string;

/** The typed values of these keys, from each one's checked text (`raw`) and QMserv.cfg's folder (`resolvePath`). */
export function readOpsKeys(raw: RawValue, resolvePath: (p: string) => string): Pick<QmConfig, "retention" | "minFreeMb" | "minFreeInodes"> & { metrics: QmConfig["web"]["metrics"] } {
  const archive = raw("QMServer", "Archive_Folder");
  return {
    retention: { keepDays: Number(raw("QMServer", "Keep_Days")), maxGb: Number(raw("QMServer", "Keep_Max_GB")) || 0, archiveFolder: archive ? resolvePath(archive) : null },
    minFreeMb: Number(raw("QMServer", "Min_Free_MB")),
    minFreeInodes: Number(raw("QMServer", "Min_Free_Inodes")),
    metrics: { token: raw("WEB_QMserver", "Metrics_Token"), allow: raw("WEB_QMserver", "Metrics_Allow").split(/[\s,]+/).filter(Boolean) },
  };
}

export interface KeyProblem {
  /** `Section.Key`, as readQmConfig reports problems. */
  key: string;
  message: string;
}

/**
 * `raw`: the value of each key as written (for the checks a typed value cannot do);
 * `places`: where the service keeps its own data (no archive there) and where paths really lead.
 */
export function opsKeyProblems(config: QmConfig, raw: RawValue, places: ArchivePlaces = {}): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const maxGb = raw("QMServer", "Keep_Max_GB");
  if (!/^(\d+(\.\d+)?)?$/.test(maxGb)) problems.push({ key: "QMServer.Keep_Max_GB", message: `Keep_Max_GB must be a number of GB such as 500 or 0.5 (0: no ceiling); not ${JSON.stringify(maxGb)}` });
  const archive = config.retention.archiveFolder;
  const archiveProblem = archive && archiveFolderProblem(archive, config.qmFolder, places);
  if (archiveProblem) problems.push({ key: "QMServer.Archive_Folder", message: archiveProblem });
  const { invalid } = parseRangeList(config.web.metrics.allow.join(","));
  if (invalid.length) {
    problems.push({ key: "WEB_QMserver.Metrics_Allow", message: `Metrics_Allow must list IP addresses or CIDR ranges such as 10.0.0.0/8; not: ${invalid.join(", ")}` });
  }
  return problems;
}
