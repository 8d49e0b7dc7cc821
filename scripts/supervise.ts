/**
 * Keep a program running: restarted when it dies unexpectedly, with a growing back-off
 * (1 s, 2 s, 4 s... up to 60 s; back to 1 s once it has run for a minute), each restart
 * said in one log line. A worker killed by a job, the OOM killer or an operator comes back
 * on its own, and the web server stays up meanwhile.
 */
import type { Program } from "./processes";

export interface Supervised {
  /** Stop it (SIGTERM) and do not restart it; resolves when it has exited. */
  stop(): Promise<void>;
}

const MAX_BACKOFF_MS = 60_000;
const STABLE_MS = 60_000;
const FIRST_START_MS = 10_000;

/**
 * `onFirstFailure`: the program exited with an error within FIRST_START_MS of its very
 * first start (a port in use, a broken configuration): not restarted, the caller is told,
 * since retrying cannot help. Deaths by a signal, and later ones, are always restarted.
 */
export function supervise(start: () => Program, log: (line: string) => void, onFirstFailure: (why: string) => void): Supervised {
  let program = start();
  let stopping = false;
  let backoffMs = 1_000;
  let restarts = 0;
  let timer: NodeJS.Timeout | undefined;
  let startedAt = Date.now();
  let exited = program.exited;

  const watch = () => {
    void program.exited.then(({ code, signal }) => {
      if (stopping) return;
      const why = signal ?? `exit code ${code}`;
      if (restarts === 0 && signal === null && Date.now() - startedAt < FIRST_START_MS) {
        stopping = true;
        onFirstFailure(`the ${program.name} could not start (${why})`);
        return;
      }
      if (Date.now() - startedAt > STABLE_MS) backoffMs = 1_000;
      restarts += 1;
      log(`the ${program.name} stopped unexpectedly (${why}); restarting it in ${backoffMs / 1000} s (restart ${restarts})`);
      timer = setTimeout(() => {
        if (stopping) return;
        program = start();
        startedAt = Date.now();
        exited = program.exited;
        watch();
      }, backoffMs);
      backoffMs = Math.min(MAX_BACKOFF_MS, backoffMs * 2);
    });
  };
  watch();

  return {
    async stop() {
      stopping = true;
      clearTimeout(timer);
      if (program.child.exitCode === null && program.child.signalCode === null) program.child.kill("SIGTERM");
      await exited;
    },
  };
}
