/**
 * A busy spell grows V8's heap, and Node does not give it back on its own: 1,000 no-op jobs
 * left the worker 10 MB larger for good (heap 12.6 -> 18.8 MB, of which 12 used), and the
 * web server that had just answered 50 dashboards' first loads (200 requests) held 8-12 MB
 * more than it needed. So once a program has been quiet for QUIET_MS after some activity,
 * it runs one full collection, which returns the heap's free pages to the system (worker
 * 73.9 -> 66.6 MB; docs/performance.md). Nothing while it stays idle, nor after its start
 * (measured on the worker: 1.5 MB more at idle, not less). Used by the worker (a job
 * started or ended, a folder taken in) and the web server (a request).
 */
const QUIET_MS = 2_000;

/**
 * The collector, which node gives scripts when started with --expose-gc (the worker's
 * command lines: scripts/build-worker.ts, package.json, deploy/systemd; the web server's:
 * scripts/build-web-server.ts). Without it, nothing
 * is done (making it callable at run time costs a second V8 context, 1-2 MB).
 */
const fullGc = (): (() => void) | null => (typeof globalThis.gc === "function" ? () => globalThis.gc!() : null);

export interface QuietGc {
  /** Something happened (a job started or ended, a folder was taken in, a request came). */
  touch(): void;
  stop(): void;
}

export function createQuietGc(quietMs = QUIET_MS): QuietGc {
  const gc = fullGc();
  let timer: NodeJS.Timeout | undefined;
  return {
    touch() {
      if (!gc) return;
      clearTimeout(timer);
      timer = setTimeout(gc, quietMs).unref();
    },
    stop: () => clearTimeout(timer),
  };
}
