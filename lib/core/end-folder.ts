/**
 * Which queue folder a finished job's folder goes to: the rule in one place, for the
 * worker's end of a run. Done jobs go to QM_dJobs. Failed, killed, timed-out and
 * out-of-memory jobs follow QMserv.cfg's Failed_Jobs: QM_lost+found (the file we write),
 * or QM_dJobs, where QM 0.4 put every job that ran (an existing QM file has no such key).
 * Lost, invalid and cancelled jobs never ran to an end and always go to QM_lost+found.
 */
import type { FinishedState } from "./job-lifecycle";
import type { QmConfig } from "./qm-config";

export function endQueueOf(state: FinishedState, config: Pick<QmConfig, "failedJobs">): "done" | "lost" {
  if (state === "done") return "done";
  if (state === "failed" || state === "killed" || state === "timeout" || state === "oom") return config.failedJobs === "QM_dJobs" ? "done" : "lost";
  return "lost";
}
