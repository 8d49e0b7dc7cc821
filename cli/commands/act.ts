/**
 * qm kill | requeue | hold | release | delete ID...: act on jobs (your own, or any as the
 * administrator); with --array, on every element of arrays it fits.
 */
import type { HoldAnswer } from "../../lib/core/api-types";
import { activeWords, alreadyWords, leftActiveWords } from "../../lib/core/array-action-words";
import { COMMON_HELP, type CliContext, type Command, jobIds } from "../command";
import { CliError, EXIT, usageError } from "../errors";
import { ANSWER, type ArrayActionReply } from "../answer-shapes";

type Action = "kill" | "requeue" | "hold" | "release" | "delete";

const WHAT: Record<Action, { summary: string; done: string; help: string }> = {
  kill: { summary: "kill running jobs (SIGTERM, then SIGKILL)", done: "kill requested", help: "Kill running jobs: SIGTERM to their processes, SIGKILL after Kill_Grace. They end as killed." },
  requeue: { summary: "put finished jobs back in the queue", done: "requeued", help: "Put finished jobs (done, failed, killed...) back in the queue to run again; process.log is kept." },
  hold: { summary: "keep queued jobs from starting", done: "held", help: "Keep queued jobs in the queue without starting them, until qm release." },
  release: { summary: "let held jobs start", done: "released", help: "Let held jobs start again in their turn." },
  delete: { summary: "delete waiting or finished jobs and their folders", done: "deleted", help: "Delete waiting (queued, held) or finished jobs: their folders are removed. Running jobs must be killed first." },
};

/** The API call of each action (docs/api.md): on a job, or on every element of an array it fits. */
const request = (action: Action, id: number, array: boolean, all = false): ["POST" | "DELETE", string] =>
  array ? ["POST", `/api/arrays/${id}/${action}${all ? "?all=1" : ""}`] : action === "delete" ? ["DELETE", `/api/jobs/${id}`] : ["POST", `/api/jobs/${id}/${action}`];

/**
 * What was done to the elements acted on: "deleted 3 element(s)"; a kill tells the cancelled
 * waiting ones from the running ones (and those pending in Slurm) asked to stop.
 */
function appliedWords(action: Action, answer: ArrayActionReply): string {
  const cancelled = answer.cancelled?.length ?? 0;
  const pending = answer.pending?.length ?? 0;
  if (action !== "kill" || (!cancelled && !pending)) return `${WHAT[action].done} ${answer.applied.length} element(s)`;
  const active = activeWords(answer.applied.length - cancelled - pending, pending);
  return [cancelled ? `cancelled ${cancelled} waiting element(s)` : "", active ? `kill requested ${active}` : ""].filter(Boolean).join(", ");
}

/** The elements an action leaves as they are: a hold cannot stop the active ones, a delete needs them killed first. */
function leftWords(action: Action, arrayId: number, answer: ArrayActionReply): string {
  if (action === "hold" || action === "delete") return leftActiveWords(action, answer, `qm kill --array ${arrayId} first`);
  return "";
}

/**
 * What an array action did: "deleted 10 element(s), 2 left as they were; 2 running left as
 * they are...", "held 7 element(s); 2 already held; 3 already running, not held"; elements it
 * would not act on are counted with the first reason (an older server sends no reasons).
 * With none acted on, as for one job: when some are in the state asked for already, nothing
 * to do is no error ("nothing to hold: 5 already held"); otherwise a refusal that says why
 * ("nothing released: 2 changed meanwhile...", or, when the answer says nothing, `nothing` is asked).
 */
async function arrayOutcome(action: Action, arrayId: number, answer: ArrayActionReply, nothing: () => Promise<string>): Promise<string> {
  const refused = answer.refused ?? [];
  const notes = [
    answer.skipped.length ? `${answer.skipped.length} changed meanwhile and left as they were` : "",
    action === "hold" || action === "release" ? alreadyWords(action, answer) : "",
    leftWords(action, arrayId, answer),
    refused.length ? `${refused.length} not ${WHAT[action].done}: ${refused[0].reason}` : "",
  ].filter(Boolean);
  if (!answer.applied.length && answer.already?.length) return `nothing to ${action}: ${notes.join("; ")}`;
  // An action that fits no element is answered 200 all the same: a refusal for qm, as a job's is.
  if (!answer.applied.length) throw new CliError(EXIT.FAILED, `nothing ${WHAT[action].done}: ${notes.length ? notes.join("; ") : await nothing()}`);
  return `${appliedWords(action, answer)}${notes.map((n, i) => (i === 0 && answer.skipped.length ? `, ${n}` : `; ${n}`)).join("")}`;
}

/**
 * What a job action did. Holding a held job or releasing one that is not held is not an
 * error (docs/api.md) but does nothing, and says so rather than "released".
 */
function jobOutcome(action: Action, answer: unknown): string {
  if ((action === "hold" || action === "release") && (answer as Partial<HoldAnswer>).changed === false) {
    return action === "hold" ? "already held: nothing to hold" : "not held: nothing to release";
  }
  return WHAT[action].done;
}

/** Why an array action found nothing to act on: "nothing released: no element is held". */
const NONE_FITS: Record<Action, string> = {
  kill: "no element is waiting or running",
  requeue: "no element has ended other than done",
  hold: "no element is queued",
  release: "no element is held",
  delete: "no element is waiting or ended",
};

/**
 * Why an array action acted on no element, when the answer does not say: which elements it
 * takes, and the states the array's elements are in ("its 3 elements: 2 running, 1 done").
 */
async function whyNothing(ctx: CliContext, action: Action, arrayId: number): Promise<string> {
  const states = await ctx
    .api()
    .call("GET", `/api/arrays/${arrayId}`, ANSWER.array)
    .then(({ array }) => `(its ${array.total} element(s): ${Object.entries(array.counts).filter(([, n]) => n > 0).map(([state, n]) => `${n} ${state}`).join(", ")})`)
    .catch(() => "");
  return `${NONE_FITS[action]} ${states}`.trim();
}

function actionCommand(action: Action): Command {
  return {
    name: action,
    summary: WHAT[action].summary,
    args: [1, Infinity],
    options: action === "requeue" ? { array: { type: "boolean" }, all: { type: "boolean" } } : { array: { type: "boolean" } },
    help: `qm ${action} [options] ID...

${WHAT[action].help}
Owners may ${action} their own jobs; the administrator any job.
      --array         the IDs are arrays (qm show of an element names its array): ${action}
                      every element it fits${action === "requeue" ? "\n      --all           with --array: the elements that ended done too (the whole array again)" : ""}
${COMMON_HELP}`,
    async run(ctx, values, positionals) {
      const array = values.array === true;
      if (values.all && !array) throw usageError("--all goes with --array (requeue --array --all ID puts back every finished element; a single job is requeued whatever its end)");
      const what = array ? "array" : "job";
      const results: { id: number; ok: boolean; message: string }[] = [];
      let exitCode: number = EXIT.OK;
      for (const id of jobIds(positionals)) {
        try {
          const [method, path] = request(action, id, array, values.all === true);
          const message = array
            ? await arrayOutcome(action, id, await ctx.api().call(method, path, ANSWER.arrayAction), () => whyNothing(ctx, action, id))
            : jobOutcome(action, await ctx.api().call(method, path, action === "hold" || action === "release" ? ANSWER.hold : ANSWER.done));
          results.push({ id, ok: true, message });
        } catch (error) {
          if (!(error instanceof CliError)) throw error;
          results.push({ id, ok: false, message: error.message });
          if (exitCode === EXIT.OK) exitCode = error.exitCode;
        }
      }
      if (values.json) ctx.out(JSON.stringify(results));
      else for (const r of results) (r.ok ? ctx.out : ctx.err)(`${what} ${r.id}: ${r.message}`);
      return exitCode;
    },
  };
}

export const ACTION_COMMANDS = (["kill", "requeue", "hold", "release", "delete"] as const).map(actionCommand);
