/**
 * A periodic task that fails again and again (the database down for an hour) is logged when
 * it starts failing and when its reason changes, then once when it works again; not at every
 * attempt, which from the one-second monitor alone was 3,600 identical warnings an hour.
 */
import type { Log } from "../lib/server/logger";
import { message } from "./context";

export interface FailureStreak {
  failed(error: unknown): void;
  succeeded(): void;
}

/** `say` turns the failure's message into the warning (`monitor: ...`, `heartbeat failed: ...`). */
export function failureStreak(log: Log, what: string, say: (why: string) => string): FailureStreak {
  let failures = 0;
  let last = "";
  return {
    failed(error) {
      failures += 1;
      const why = message(error);
      if (why === last) return;
      last = why;
      log.warn(say(why));
    },
    succeeded() {
      if (failures) log.info(`${what} works again (${failures} failed attempt${failures === 1 ? "" : "s"})`);
      failures = 0;
      last = "";
    },
  };
}
