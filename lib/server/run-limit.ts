/**
 * At most `running` tasks at once, at most `waiting` more in line; a task whose request
 * went away (its signal aborted) leaves the line before it starts.
 */
import { AppError } from "../core/app-error";

export interface RunLimit {
  run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T>;
}

export function createRunLimit(running: number, waiting: number, busyMessage: string): RunLimit {
  let active = 0;
  const line: (() => void)[] = [];
  // A finished task hands its place to the first in line, or frees it.
  const next = () => {
    const go = line.shift();
    if (go) go();
    else active--;
  };
  return {
    async run(task, signal) {
      if (active >= running) {
        if (line.length >= waiting) throw new AppError("UNAVAILABLE", busyMessage);
        await new Promise<void>((resolve, reject) => {
          const go = () => {
            signal?.removeEventListener("abort", leave);
            resolve();
          };
          const leave = () => {
            line.splice(line.indexOf(go), 1);
            reject(new AppError("UNAVAILABLE", "The request was cancelled."));
          };
          line.push(go);
          signal?.addEventListener("abort", leave, { once: true });
        });
      } else active++;
      try {
        return await task();
      } finally {
        next();
      }
    },
  };
}
