/** qm log ID [-f]: process.log, and with -f what it gets, live, until the job ends. */
import type { LogAnswer } from "../../lib/core/api-types";
import { COMMON_HELP, type Command, jobIds } from "../command";
import { EXIT } from "../errors";
import { outageTolerance } from "../outage";
import { ANSWER } from "../answer-shapes";
import { logOutput } from "../log-output";

const FINISHED = new Set(["done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost", "deleted"]);

export const log: Command = {
  name: "log",
  summary: "print a job's process.log; -f follows it while the job runs",
  args: [1, 1],
  options: { follow: { type: "boolean", short: "f" } },
  help: `qm log [options] ID

Print the end of the job's process.log (its last 64 KB; what is left out is said on
standard error). With -f, keep printing what
the job writes, live, until it has ended (a queued job is waited for).
A progress bar repaints its line on a terminal; redirected or piped, each line is
written once it has ended, as last shown.

  -f, --follow        follow the log until the job ends
${COMMON_HELP.split("\n").filter((l) => !l.includes("--json")).join("\n")}`,
  async run(ctx, values, positionals) {
    const [id] = jobIds(positionals);
    const api = ctx.api();
    let chunk = await api.call("GET", `/api/jobs/${id}/log`, ANSWER.log);
    const output = logOutput(ctx);
    // Nothing printed would look like an empty log, or (after -f) like a run that wrote nothing.
    const noLog = (answer: LogAnswer) =>
      !answer.exists && FINISHED.has(answer.state) && ctx.err(`qm log: job ${id} ended ${answer.state} and has no process.log (qm show ${id} says more)`);
    // Only the end of a long log comes: said, so that what is printed is not taken for all of it.
    if (chunk.offset > 0) ctx.err(`qm log: the first ${chunk.offset} bytes of process.log's ${chunk.size} are left out (qm cat ${id} process.log prints it whole)`);
    output.write(chunk.text);
    if (!values.follow) {
      output.end();
      if (!chunk.exists && !FINISHED.has(chunk.state)) ctx.err(`qm log: job ${id} is ${chunk.state} and has no process.log yet (qm log -f ${id} waits for it)`);
      else noLog(chunk);
      return EXIT.OK;
    }
    // Said once: nothing comes until the job starts, which would look like qm hanging.
    if (!chunk.exists && !FINISHED.has(chunk.state)) {
      ctx.err(`qm log: job ${id} is ${chunk.state} and has no process.log yet; waiting for it to start${chunk.state === "held" ? ` (qm release ${id} lets it)` : ""} (Ctrl-C to stop)`);
    }
    let idle = 0;
    // A restart of the server while we follow is waited through.
    const outage = outageTolerance({ err: (text) => (output.beforeNote(), ctx.err(text)) }, "log");
    for (;;) {
      // One more read after the job has ended: its footer comes last.
      const ended = FINISHED.has(chunk.state);
      await ctx.sleep(chunk.text ? 100 : Math.min(1000, 200 + idle * 100));
      let next: LogAnswer;
      try {
        next = await api.call("GET", `/api/jobs/${id}/log?offset=${chunk.reset ? 0 : chunk.nextOffset}`, ANSWER.log);
        outage.answered();
      } catch (error) {
        if (!outage.absorbs(error)) {
          output.end();
          throw error;
        }
        // As after a read that brought nothing: the same offset, polled less often.
        idle += 1;
        chunk = { ...chunk, text: "" };
        continue;
      }
      if (next.reset) {
        output.end();
        ctx.err("qm log: process.log was rewritten; starting over");
      }
      output.write(next.text);
      idle = next.text ? 0 : idle + 1;
      if (ended && !next.text && !next.reset) {
        output.end();
        noLog(next);
        return EXIT.OK;
      }
      chunk = next;
    }
  },
};
