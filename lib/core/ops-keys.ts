/**
 * Checks of the keys that keep QueueManager running for years (retention, free space,
 * metrics) that a single key's type cannot express. Called by readQmConfig, so a wrong value
 * is refused like any other bad key (admin form, worker reload).
 */
import { parseRangeList } from "./ip-address";
import type { QmConfig } from "./qm-config";

export interface KeyProblem {
  /** `Section.Key`, as readQmConfig reports problems. */
  key: string;
  message: string;
}

/** `child` is `parent` or inside it (both absolute and resolved). */
export function isInsideFolder(child: string, parent: string): boolean {
  const base = parent.endsWith("/") ? parent : `${parent}/`;
  return child === parent || child.startsWith(base);
}

/** `raw`: the value of each key as written (for the checks a typed value cannot do). */
export function opsKeyProblems(config: QmConfig, raw: (key: string) => string): KeyProblem[] {
  const problems: KeyProblem[] = [];
  const maxGb = raw("Keep_Max_GB");
  if (!/^(\d+(\.\d+)?)?$/.test(maxGb)) problems.push({ key: "QMServer.Keep_Max_GB", message: `Keep_Max_GB must be a number of GB such as 500 or 0.5 (0: no ceiling); not ${JSON.stringify(maxGb)}` });
  const archive = config.retention.archiveFolder;
  // Archived folders inside QM_FOLDER would be taken for jobs again (in QM_qJobs) or counted
  // against the very ceiling that moved them.
  if (archive && isInsideFolder(archive, config.qmFolder)) {
    problems.push({ key: "QMServer.Archive_Folder", message: `Archive_Folder (${archive}) must be outside QM_FOLDER (${config.qmFolder}); choose a folder of its own, e.g. on another disk` });
  }
  const { invalid } = parseRangeList(config.web.metrics.allow.join(","));
  if (invalid.length) {
    problems.push({ key: "WEB_QMserver.Metrics_Allow", message: `Metrics_Allow must list IP addresses or CIDR ranges such as 10.0.0.0/8; not: ${invalid.join(", ")}` });
  }
  return problems;
}
