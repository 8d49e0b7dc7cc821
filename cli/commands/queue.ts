/** qm pause | resume: stop starting jobs while running ones finish, and start again (the administrator). */
import { COMMON_HELP, type Command } from "../command";
import { EXIT } from "../errors";
import { ANSWER } from "../answer-shapes";

function queueCommand(action: "pause" | "resume"): Command {
  return {
    name: action,
    summary: action === "pause" ? "pause the queue: running jobs finish, nothing new starts (admin)" : "resume a paused queue (admin)",
    args: [0, 0],
    options: {},
    help: `qm ${action} [options]

${action === "pause" ? "Pause the whole queue: running jobs finish, no job starts until qm resume. It stays\npaused across restarts; every page shows a banner saying who paused it." : "Let a paused queue start jobs again."}
The administrator's (a token made by the administrator, or qm login as the administrator).
${COMMON_HELP}`,
    async run(ctx, values) {
      const answer = await ctx.api().call("POST", `/api/queue/${action}`, ANSWER.pause);
      // Asking for the state the queue is in already is not an error, but says it did nothing.
      const already = answer.changed === false;
      if (values.json) ctx.out(JSON.stringify(answer));
      else if (answer.paused) ctx.out(`queue ${already ? "already " : ""}paused by ${answer.paused.by} since ${answer.paused.at}${already ? ": nothing to pause" : ""}`);
      else ctx.out(already ? "queue was not paused: nothing to resume" : "queue running");
      return EXIT.OK;
    },
  };
}

export const QUEUE_COMMANDS = [queueCommand("pause"), queueCommand("resume")];
