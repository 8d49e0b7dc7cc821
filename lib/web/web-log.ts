/**
 * The web app's log: one line per event with its level and job id (lib/server/logger.ts),
 * on the web server's stdout. `[WEB_QMserver] Debug = True` adds a line per API request.
 */
import { type Log, streamLogger } from "../server/logger";
import { getConfig, getEnv } from "./context";

let log: Log | undefined;

/** The web app's logger (created at first use: the environment is read then). */
export function webLog(): Log {
  log ??= streamLogger({ journald: getEnv().journald, debugEnabled });
  return log;
}

/** A QMserv.cfg that cannot be read says so elsewhere; it must not break the request being logged. */
function debugEnabled(): boolean {
  try {
    return getConfig().config.web.debug;
  } catch {
    return false;
  }
}
