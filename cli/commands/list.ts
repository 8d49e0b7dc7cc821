/** qm ls: what runs and waits (default), what finished, or everything; filters; a table or JSON. */
import type { JobSummary } from "../../lib/core/api-types";
import { formatDuration } from "../../lib/core/format";
import { ACTIVE_STATES, LISTED_STATES, WAITING_STATES } from "../../lib/core/job-lifecycle";
import { jobTimes } from "../../lib/core/job-times";
import { COMMON_HELP, type Command } from "../command";
import { EXIT, usageError, wholeNumberOption } from "../errors";
import { localTime, table } from "../table";
import { ANSWER } from "../answer-shapes";

const exitOf = (j: JobSummary) => (j.signal ? j.signal : j.exitCode ?? "");

/** The list (the API's view) a state belongs to. */
const viewOf = (state: string) => ((WAITING_STATES as readonly string[]).includes(state) ? "queued" : (ACTIVE_STATES as readonly string[]).includes(state) ? "running" : "finished");

export const list: Command = {
  name: "ls",
  summary: "list jobs: running and queued (default), finished, or all",
  args: [0, 0],
  options: {
    running: { type: "boolean", short: "r" },
    queued: { type: "boolean", short: "q" },
    finished: { type: "boolean", short: "f" },
    all: { type: "boolean", short: "a" },
    state: { type: "string", short: "s" },
    owner: { type: "string", short: "o" },
    mine: { type: "boolean", short: "m" },
    search: { type: "string" },
    limit: { type: "string", short: "n" },
  },
  help: `qm ls [options]

List jobs: by default those running, then those queued in the order they will start.

  -r, --running       running jobs only
  -q, --queued        queued jobs only
  -f, --finished      finished jobs, newest first
  -a, --all           every job, newest first
  -s, --state STATE   one state (done, failed, killed, queued, running...), in the list
                      that holds it (-f for killed...) unless one is given
  -o, --owner TEXT    jobs whose owner (e_mail) contains TEXT
  -m, --mine          your own jobs (needs a login or token)
      --search TEXT   jobs whose name or info contains TEXT
  -n, --limit N       at most N jobs per list (default 50)
${COMMON_HELP}`,
  async run(ctx, values) {
    const limit = wholeNumberOption("limit", values.limit, 1, 500, 50);
    const state = values.state as string | undefined;
    if (state !== undefined && !(LISTED_STATES as readonly string[]).includes(state)) throw usageError(`--state takes one of ${LISTED_STATES.join(", ")}; not "${state}"`);
    const chosen = values.all ? "all" : values.finished ? "finished" : values.queued ? "queued" : values.running ? "running" : null;
    // A state alone picks the list that holds it: "qm ls -s killed" listed nothing, looking
    // for killed jobs among the running and queued ones.
    if (state !== undefined && chosen !== null && chosen !== "all" && chosen !== viewOf(state)) {
      throw usageError(`--state ${state} is not a state of the ${chosen} jobs (-${chosen[0]}); leave -${chosen[0]} out, or use -a`);
    }
    const views = chosen ? [chosen] : state !== undefined ? [viewOf(state)] : ["running", "queued"];
    const query = (view: string) =>
      new URLSearchParams(
        Object.entries({ view, pageSize: String(limit), state: values.state, owner: values.owner, q: values.search, mine: values.mine ? "1" : undefined }).filter(
          (e): e is [string, string] => typeof e[1] === "string",
        ),
      );
    const pages = await Promise.all(views.map((v) => ctx.api().call("GET", `/api/jobs?${query(v)}`, ANSWER.jobs)));
    const jobs = pages.flatMap((p) => p.jobs);
    if (values.json) {
      ctx.out(JSON.stringify(jobs));
      return EXIT.OK;
    }
    // The queue's order is priority, then submission: shown once any listed job has one.
    const prioritized = jobs.some((j) => j.priority !== 0);
    const now = Date.parse(pages[0]?.serverTime ?? new Date().toISOString());
    ctx.out(
      table(
        ["ID", "NAME", "STATE", "OWNER", "PROCS", ...(prioritized ? ["PRIO"] : []), "SUBMITTED", "ELAPSED", "EXIT"],
        jobs.map((j) => [j.id, j.name + (j.imported ? " (imported)" : ""), j.state, j.account ?? j.owner, j.resources?.granted ?? j.nbProc, ...(prioritized ? [j.priority] : []), localTime(j.submittedAt), j.startedAt ? formatDuration(jobTimes(j, now).elapsedMs) : "", exitOf(j)]),
      ),
    );
    const more = pages.reduce((n, p) => n + p.total, 0) - jobs.length;
    if (more > 0) ctx.err(`(${more} more; use --limit or filters)`);
    return EXIT.OK;
  },
};
