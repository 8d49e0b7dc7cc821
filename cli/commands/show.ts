/** qm show ID: everything about one job. */
import type { ActionRefusals, JobDetail, Permissions } from "../../lib/core/api-types";
import { describeEventDetail } from "../../lib/core/event-detail";
import { formatBytes, formatDuration } from "../../lib/core/format";
import { jobTimes } from "../../lib/core/job-times";
import { type SlurmRunInfo, slurmPendingLabel, slurmReasonWords } from "../../lib/core/slurm-run-info";
import { type UserAction, actionsFitting } from "../../lib/core/job-permissions";
import { COMMON_HELP, type Command, jobIds } from "../command";
import { EXIT } from "../errors";
import { localTime, table } from "../table";
import { oneLine } from "../terminal-text";
import { ANSWER } from "../answer-shapes";

/**
 * The actions that fit the job and the viewer may do, but for those the server would refuse
 * now (`refused`: listed apart, with why). `can` says only yes or no: an action that fits but
 * is refused may be switched off in QMserv.cfg (Licence_to_kill, Delete_Jobs), so "nothing"
 * then gives no reason; qm kill or qm delete would say it.
 */
function youMay(fitting: UserAction[], can: Permissions, refused: ActionRefusals): string {
  const allowed = fitting.filter((action) => can[action] && !refused[action]);
  if (allowed.length) return allowed.join(", ");
  if (!Object.values(can).some(Boolean)) return "nothing (not your job, or not logged in)";
  return fitting.length ? "nothing" : "nothing in this state";
}

/** The actions you may do but that the server would refuse now: "requeue (Job 12 waits (after_ok) for ...)". */
function butNot(fitting: UserAction[], can: Permissions, refused: ActionRefusals): string | null {
  const words = fitting.filter((action) => can[action] && refused[action]).map((action) => `${action} (${refused[action]})`);
  return words.length ? words.join("; ") : null;
}

/** "job 3 (after_ok, failed), job 4 (after_any, running)", the first five and how many more. */
function waitsFor(deps: JobDetail["dependsOn"]): string | null {
  if (!deps.length) return null;
  const named = deps.slice(0, 5).map((d) => `job ${d.parentId} (${d.kind}, ${d.state})`);
  return named.join(", ") + (deps.length > 5 ? ` and ${deps.length - 5} more` : "");
}

/** When a waiting job should start, as the job page says it: the time and how long from now. */
function expectedStart(estimate: JobDetail["estimate"], nowMs: number): string | null {
  if (!estimate) return null;
  if (!estimate.startAt) return "cannot be told yet";
  const inMs = Date.parse(estimate.startAt) - nowMs;
  return inMs <= 0 ? "now" : `${localTime(estimate.startAt)} (in ~${formatDuration(inMs)})`;
}

/** Where Slurm has (or had) the job, as the job page's Slurm facts: "job 8, PENDING, partition gpu, on node07". */
function slurmWhere(slurm: SlurmRunInfo | null): string | null {
  if (!slurm) return null;
  const parts = [slurm.slurmJobId ? `job ${slurm.slurmJobId}` : "not submitted yet", slurm.slurmState, slurm.partition && `partition ${slurm.partition}`, slurm.node && `on ${slurm.node}`];
  return parts.filter(Boolean).join(", ");
}

/** Why it waits: the queue's estimate, or, handed to Slurm and pending there, Slurm's reason (as the job page says it). */
function whyWaiting(job: JobDetail): string | null {
  if (job.estimate) return job.estimate.reason;
  if (job.state !== "pending" || !job.slurm) return null;
  // What Slurm's reason means, when it is known: a PartitionConfig never passes by itself.
  const words = job.slurm.slurmState === "PENDING" ? slurmReasonWords(job.slurm.reason) : null;
  return words ? `pending in Slurm (${words})` : slurmPendingLabel(job.slurm);
}

export const show: Command = {
  name: "show",
  summary: "show one job: state, owner, times, exit code, history",
  args: [1, 1],
  options: {},
  help: `qm show [options] ID

Show a job: its state, owner, info, script, folder, times, exit code, the jobs it waits
for, when it should start and why it waits, what you may do with it, and its history.
${COMMON_HELP}`,
  async run(ctx, values, positionals) {
    const [id] = jobIds(positionals);
    const answer = await ctx.api().call("GET", `/api/jobs/${id}`, ANSWER.job);
    if (values.json) {
      ctx.out(JSON.stringify(answer));
      return EXIT.OK;
    }
    const { job, can, refused = {} } = answer;
    const times = jobTimes(job, Date.parse(answer.serverTime));
    const rows: [string, string | number | null][] = [
      ["id", job.id],
      ["name", job.name + (job.imported ? " (imported)" : "")],
      ["state", job.state + (job.killRequested && job.state === "running" ? " (kill requested)" : "")],
      ["array", job.arrayId === null ? null : `${job.arrayId}, element ${job.arrayIndex} (qm hold|release|kill|requeue|delete --array ${job.arrayId})`],
      ["account", job.account],
      ["owner", job.owner],
      ["info", job.info],
      ["script", job.script],
      ["nb_proc", job.nbProc],
      ["nb_gpu", job.nbGpu || null],
      ["GPUs", job.resources.gpus],
      ["Slurm", slurmWhere(job.slurm)],
      ["priority", job.priority],
      ["folder", job.folder],
      ["submitted", localTime(job.submittedAt)],
      ["started", localTime(job.startedAt)],
      ["finished", localTime(job.finishedAt)],
      ["elapsed", job.startedAt ? formatDuration(times.elapsedMs) : null],
      ["exit", job.signal ? `killed by ${job.signal}` : job.exitCode],
      ["progress", job.progress === null ? null : `${Math.round(job.progress)}%`],
      ["cpu time", job.cpuSeconds === null ? null : formatDuration(job.cpuSeconds * 1000)],
      ["peak memory", job.peakMemoryKb === null ? null : formatBytes(job.peakMemoryKb * 1024)],
      ["GPU memory", job.gpuMemPeakMb === null ? null : `${formatBytes(job.gpuMemPeakMb * 1024 * 1024)} at peak, mean utilisation ${job.gpuUtilMean ?? "?"}%`],
      ["error", job.error],
      [job.state === "queued" || job.state === "held" ? "waits for" : "waited for", waitsFor(job.dependsOn ?? [])],
      ["expected", expectedStart(job.estimate, Date.parse(answer.serverTime))],
      ["why waiting", whyWaiting(job)],
      ["you may", youMay(actionsFitting(job), can, refused)],
      ["but not", butNot(actionsFitting(job), can, refused)],
    ];
    ctx.out(rows.filter(([, v]) => v !== null && v !== "").map(([k, v]) => `${`${k}:`.padEnd(13)}${oneLine(String(v))}`).join("\n"));
    if (job.events.length) ctx.out(`\n${table(["WHEN", "EVENT", "DETAIL"], job.events.map((e) => [localTime(e.at), e.kind, describeEventDetail(e.detail)]))}`);
    return EXIT.OK;
  },
};
