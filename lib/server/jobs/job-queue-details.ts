/**
 * What the job page shows about a job's place in the queue: the jobs it waits for, its
 * array, and, while it waits, its start estimate with the reason and the fair-share rule.
 */
import type { JobDetail, StartEstimateView } from "../../core/api-types";
import { fairShareRule } from "../../core/fair-share";
import { isWaitingState } from "../../core/job-lifecycle";
import type { QmConfig } from "../../core/qm-config";
import type { Db } from "../db";
import { startEstimates } from "../queue/start-estimates";
import type { JobStore } from "../store/job-store";

export type QueueDetails = Pick<JobDetail, "dependsOn" | "array" | "fairShare"> & { estimate?: StartEstimateView };

export async function jobQueueDetails(db: Db, store: JobStore, config: QmConfig, qmFolder: string, job: { id: number; state: string; arrayId: number | null }): Promise<QueueDetails> {
  const [deps, array] = await Promise.all([
    db.jobDependency.findMany({ where: { jobId: job.id }, include: { parent: { select: { state: true } } }, orderBy: { parentId: "asc" } }),
    job.arrayId === null ? null : db.jobArray.findUnique({ where: { id: job.arrayId }, select: { id: true, name: true, spec: true, maxRunning: true } }),
  ]);
  const details: QueueDetails = { dependsOn: deps.map((d) => ({ parentId: d.parentId, kind: d.kind, state: d.parent.state })), array, fairShare: null };
  if (!isWaitingState(job.state)) return details;
  const estimates = await startEstimates(store, config, qmFolder);
  const used = estimates.usageOf(job.id);
  return { ...details, estimate: estimates.of(job.id), fairShare: used === null ? null : { rule: fairShareRule(config.fairShare.windowHours), usedCpuSeconds: used } };
}
