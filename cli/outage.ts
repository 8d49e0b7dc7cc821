/**
 * qm wait and qm log -f poll for minutes or hours; a restart of the web server (an upgrade,
 * `npm start` restarting it), a proxy's 502 meanwhile or the database away for a moment (503)
 * must not end them as if the job had failed. Once the server has answered, such an outage
 * is waited through for up to OUTAGE_GRACE_MS, said once on standard error.
 */
import type { CliContext } from "./command";
import { CliError, EXIT } from "./errors";

/** How long a polling command waits for QueueManager to answer again: 10 minutes. */
export const OUTAGE_GRACE_MS = 10 * 60_000;

/** The server is away for now (unreachable, silent, 502/503/504), rather than refusing. */
export function isOutage(error: unknown): error is CliError {
  return error instanceof CliError && (error.exitCode === EXIT.UNREACHABLE || error.transient);
}

export interface OutageTolerance {
  /** Whether to poll again after `error` (an outage, within the grace); false: let it end the command. */
  absorbs(error: unknown): boolean;
  /** An answer came: the outage, if any, is over. */
  answered(): void;
}

export function outageTolerance(ctx: Pick<CliContext, "err">, command: string, graceMs = OUTAGE_GRACE_MS): OutageTolerance {
  let since: number | undefined;
  return {
    absorbs(error) {
      if (!isOutage(error)) return false;
      const now = Date.now();
      if (since === undefined) {
        since = now;
        ctx.err(`qm ${command}: ${error.message.replace(/\.$/, "")}; trying again for up to ${Math.round(graceMs / 60_000)} min (Ctrl-C to stop)`);
      }
      return now - since < graceMs;
    },
    answered() {
      if (since !== undefined) ctx.err(`qm ${command}: QueueManager answers again`);
      since = undefined;
    },
  };
}
