/** qm wait ID...: until the jobs end; exits with the job's exit code, like `tsp -w` or srun. */
import type { JobDetail } from "../../lib/core/api-types";
import { COMMON_HELP, type CliContext, type Command, type Values, jobIds } from "../command";
import { CliError, EXIT, exitCodeOfJob, usageError } from "../errors";
import { isOutage, outageTolerance } from "../outage";
import { ANSWER } from "../answer-shapes";

const FINISHED = new Set(["done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost", "deleted"]);

/**
 * Poll each unfinished job (every 100 ms at first, easing to 1 s) until all have ended;
 * the first non-zero exit code in the order given, else 0. A deleted job counts as ended
 * without an exit code (125). A job the server refuses to tell about (a wrong id, another
 * user's) is said at once and counts with the refusal's code, while the others are waited
 * for: the command goes on after a failure, as every command acting on several jobs does.
 */
export async function waitForJobs(ctx: CliContext, ids: number[], opts: { timeoutMs?: number; quiet?: boolean } = {}): Promise<number> {
  const api = ctx.api();
  const ended = new Map<number, Pick<JobDetail, "id" | "name" | "state" | "exitCode" | "signal" | "error">>();
  const refused = new Map<number, CliError>();
  const deadline = opts.timeoutMs ? Date.now() + opts.timeoutMs : Infinity;
  // Each job's name from its last answer: a job deleted while we wait no longer has one to ask.
  const names = new Map<number, string>();
  // A restart of the server while we wait is waited through, once it has answered (a wrong QM_URL is not).
  const outage = outageTolerance(ctx, "wait");
  const pending = () => ids.filter((i) => !ended.has(i) && !refused.has(i));
  for (let delay = 100; pending().length; delay = Math.min(1000, delay * 1.5)) {
    for (const id of pending()) {
      try {
        const { job } = await api.call("GET", `/api/jobs/${id}`, ANSWER.job);
        outage.answered();
        names.set(id, job.name);
        if (FINISHED.has(job.state)) ended.set(id, job);
      } catch (error) {
        if (names.size && outage.absorbs(error)) break;
        // The server away (never answered, or for too long) ends the wait: it says nothing of the jobs.
        if (isOutage(error) || !(error instanceof CliError)) throw error;
        // Gone after we saw it: deleted while we waited. Never seen: a wrong id, said as such.
        if (names.has(id) && /no job|deleted/i.test(error.message)) {
          ended.set(id, { id, name: names.get(id)!, state: "deleted", exitCode: null, signal: null, error: null });
          continue;
        }
        refused.set(id, error);
        if (!opts.quiet) ctx.err(`qm wait: job ${id}: ${error.message}`);
      }
    }
    if (!pending().length) break;
    if (Date.now() > deadline) {
      ctx.err(`qm wait: still going after the timeout: ${pending().join(", ")}`);
      return EXIT.TIMEOUT;
    }
    await ctx.sleep(delay);
  }
  const jobs = ids.flatMap((i) => (ended.has(i) ? [ended.get(i)!] : []));
  if (opts.quiet) ctx.out(JSON.stringify(ids.map((i) => ended.get(i) ?? { id: i, error: refused.get(i)!.message })));
  for (const job of jobs) {
    if (opts.quiet) continue;
    // Done with something to know (a process of it killed for memory): exit 0 all the same.
    if (exitCodeOfJob(job) === 0) {
      if (job.error) ctx.err(`qm wait: job ${job.id} (${job.name}) ended ${job.state}, but: ${job.error}`);
      continue;
    }
    ctx.err(`qm wait: job ${job.id} (${job.name}) ${endPhrase(job)}`);
  }
  return ids.map((i) => (ended.has(i) ? exitCodeOfJob(ended.get(i)!) : refused.get(i)!.exitCode)).find((code) => code !== 0) ?? EXIT.OK;
}

/** How a job that did not end well ended: "ended failed, exit code 2", "was killed by SIGTERM", "was deleted". */
function endPhrase(job: { state: string; signal: string | null; exitCode: number | null }): string {
  if (job.state === "deleted") return "was deleted";
  if (job.state === "killed") return job.signal ? `was killed by ${job.signal}` : "was killed";
  const how = job.signal ? `killed by ${job.signal}` : job.exitCode !== null ? `exit code ${job.exitCode}` : "no exit code";
  return `ended ${job.state}, ${how}`;
}

/** --timeout S of qm wait and qm submit --wait, in ms (undefined: none), or a usage error saying what it takes. */
export function timeoutOption(values: Values): number | undefined {
  const given = values.timeout as string | undefined;
  if (given === undefined) return undefined;
  const seconds = given.trim() ? Number(given) : NaN;
  if (!Number.isFinite(seconds)) throw usageError(`--timeout takes a number of seconds, not "${given}"`);
  if (seconds <= 0) throw usageError(`--timeout must be more than 0 seconds, not "${given}"`);
  return seconds * 1000;
}

export const wait: Command = {
  name: "wait",
  summary: "wait for jobs to end; exits with the job's exit code",
  args: [1, Infinity],
  options: { timeout: { type: "string", short: "t" } },
  help: `qm wait [options] ID...

Wait until every job has ended. Exits with the job's exit code (the first non-zero one
when there are several), 128 + the signal's number when it was killed, 125 when it
ended without one (lost, invalid, cancelled, deleted), 124 after --timeout.

  -t, --timeout S     give up after S seconds
${COMMON_HELP}`,
  async run(ctx, values, positionals) {
    return waitForJobs(ctx, jobIds(positionals), { timeoutMs: timeoutOption(values), quiet: !!values.json });
  },
};
