/**
 * What the web server pushes to its open pages (GET /api/events, Server-Sent Events): one
 * feed per process, shared by every connected page, so that the cost of watching does not
 * grow with the number of pages. While anyone listens, it reads the jobs version (one row,
 * lib/server/store/jobs-version.ts) every `pollMs` and, when it moved or every
 * `statusEveryMs()` (Refresh_Rate), the queue status; each page gets a `change` event
 * when either differs from what was last sent, and a `ping` event after `pingMs` of quiet
 * so that it (and any proxy) knows the stream is alive. Nobody listening: no reads at all.
 * The status (whose counts per state are counted again whenever the version moved:
 * milliseconds with 100,000 jobs, lib/server/store/state-counts.ts) is read at most every
 * STATUS_GAP_MS while jobs change in a burst; the version goes out at once with the last
 * status, and the fresh status follows.
 */

const STATUS_GAP_MS = 200;

/** One frame of the event stream, already encoded. */
export type Frame = string;

export interface LiveFeedDeps<Status> {
  readVersion(): Promise<string>;
  readStatus(): Promise<Status>;
  /** How often the status is read while the jobs do not change (Refresh_Rate). */
  statusEveryMs(): number;
  pollMs?: number;
  pingMs?: number;
  log?: (message: string) => void;
}

export interface LiveFeed {
  /** Start receiving frames (the latest change first, as soon as it is known); returns the unsubscribe. */
  subscribe(send: (frame: Frame) => void): () => void;
  /** How many pages listen now. */
  readonly listeners: number;
}

/** The `change` event: the jobs version and the status, in SSE framing. */
export function changeFrame(jobsVersion: string, status: unknown): Frame {
  return `event: change\ndata: ${JSON.stringify({ jobsVersion, status })}\n\n`;
}

/** An event, not a comment: browsers do not report comments, and pages watch for silence. */
export const PING_FRAME: Frame = "event: ping\ndata: {}\n\n";

export function createLiveFeed<Status extends { serverTime?: string }>(deps: LiveFeedDeps<Status>): LiveFeed {
  const pollMs = deps.pollMs ?? 50;
  const pingMs = deps.pingMs ?? 15_000;
  const listeners = new Set<(frame: Frame) => void>();
  let latest: Frame | null = null;
  let sent = { version: "", status: "" };
  let statusDue = 0;
  let statusReadAt = 0;
  let status: Status | undefined;
  let lastFrameAt = 0;
  let failing = false;

  const broadcast = (frame: Frame) => {
    lastFrameAt = Date.now();
    for (const send of listeners) send(frame);
  };

  const look = async () => {
    const version = await deps.readVersion();
    const now = Date.now();
    const moved = version !== sent.version;
    if (moved) statusDue = Math.min(statusDue, statusReadAt + STATUS_GAP_MS);
    if (!status || now >= statusDue) {
      status = await deps.readStatus();
      statusReadAt = now;
      statusDue = now + deps.statusEveryMs();
    }
    // The server's clock alone does not make a change worth sending.
    const comparable = JSON.stringify({ ...status, serverTime: undefined });
    if (moved || comparable !== sent.status) {
      sent = { version, status: comparable };
      latest = changeFrame(version, status);
      broadcast(latest);
    }
    if (now - lastFrameAt >= pingMs) broadcast(PING_FRAME);
  };

  let active = false;
  const loop = async () => {
    while (listeners.size) {
      try {
        await look();
        failing = false;
      } catch (error) {
        // Said once per outage, not every pollMs; the pages keep their last data meanwhile.
        if (!failing) deps.log?.(`live updates: cannot read the queue (${error instanceof Error ? error.message : String(error)}); trying again`);
        failing = true;
      }
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    active = false;
  };

  return {
    subscribe(send) {
      listeners.add(send);
      if (active) {
        if (latest) send(latest);
      } else {
        // Nobody listened: what was sent last may be stale; the first look sends it afresh.
        active = true;
        sent = { version: "", status: "" };
        latest = null;
        status = undefined;
        void loop();
      }
      return () => {
        listeners.delete(send);
      };
    },
    get listeners() {
      return listeners.size;
    },
  };
}
