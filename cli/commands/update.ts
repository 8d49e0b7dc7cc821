/**
 * qm update -p N ID...: change waiting jobs (your own, or any as the administrator); for
 * now their priority, which sets their order in the queue (docs/queue-control.md).
 */
import { SUBMIT_NUMBER_RANGES } from "../../lib/core/submit-fields";
import { COMMON_HELP, type Command, jobIds } from "../command";
import { CliError, EXIT, usageError, wholeNumberOption } from "../errors";
import { ANSWER } from "../answer-shapes";

const { min, max } = SUBMIT_NUMBER_RANGES.priority;

export const update: Command = {
  name: "update",
  summary: "change the priority of waiting jobs (their order in the queue)",
  args: [1, Infinity],
  options: { priority: { type: "string", short: "p" } },
  help: `qm update -p N ID...

Change waiting (queued or held) jobs: their owner may, and the administrator.
  -p, --priority N    the new priority, ${min} to ${max}: higher runs first, equal ones in
                      submission order (a negative one: -p-5 or --priority=-5)
${COMMON_HELP}`,
  async run(ctx, values, positionals) {
    if (values.priority === undefined) throw usageError("say what to change: -p N (the new priority)");
    const priority = wholeNumberOption("priority", values.priority, min, max, 0);
    const results: { id: number; ok: boolean; message: string }[] = [];
    let exitCode: number = EXIT.OK;
    for (const id of jobIds(positionals)) {
      try {
        const answer = await ctx.api().call("POST", `/api/jobs/${id}/priority`, ANSWER.priority, { json: { priority } });
        results.push({ id, ok: true, message: answer.changed ? `priority ${answer.priority}` : `priority already ${answer.priority}` });
      } catch (error) {
        if (!(error instanceof CliError)) throw error;
        results.push({ id, ok: false, message: error.message });
        if (exitCode === EXIT.OK) exitCode = error.exitCode;
      }
    }
    if (values.json) ctx.out(JSON.stringify(results));
    else for (const r of results) (r.ok ? ctx.out : ctx.err)(`job ${r.id}: ${r.message}`);
    return exitCode;
  },
};
