/**
 * The admin page's measure of QM_dJobs + QM_lost+found, reused for a while. The page asks
 * every few seconds, and walking years of results each time (about a second per 30,000
 * files here) would keep the disk busy for as long as the page is open. So one walk runs at a
 * time, and its result answers the following asks for ten times as long as it took (at least
 * 30 s), unless it is stale for sure: a finished job's folder it has not seen, or a retention
 * pass since. The worker's pass never uses it: it always measures afresh.
 */
import type { QmLayout } from "../qm-folders";
import { finishedUsage } from "./folder-usage";

export interface MeasuredUsage {
  totalBytes: number;
  byFolder: Map<string, number>;
  /** When the walk began. */
  measuredAt: Date;
}

const MIN_REUSE_MS = 30_000;
const REUSE_FACTOR = 10;

interface Entry {
  root: string;
  startedAt: number;
  /** Infinity while the walk runs: asks meanwhile wait for it. */
  reuseMs: number;
  usage: Promise<MeasuredUsage>;
}

let entry: Entry | null = null;

const isReusable = (e: Entry, layout: QmLayout, passAt: Date | null, now: number) =>
  e.root === layout.root && now - e.startedAt < e.reuseMs && !(passAt && passAt.getTime() >= e.startedAt);

/**
 * The usage of QM_dJobs + QM_lost+found as a recent walk found it. `folders`: the finished
 * folders the plan is about (one the walk has not seen means it is stale); `passAt`: the last
 * retention pass (one since the walk means it is stale).
 */
export async function recentUsage(layout: QmLayout, folders: string[], passAt: Date | null, now = Date.now()): Promise<MeasuredUsage> {
  if (entry && isReusable(entry, layout, passAt, now)) {
    const usage = await entry.usage;
    if (folders.every((f) => usage.byFolder.has(f))) return usage;
  }
  const started: Entry = { root: layout.root, startedAt: now, reuseMs: Infinity, usage: Promise.resolve(null as never) };
  started.usage = finishedUsage(layout).then(
    (usage) => {
      started.reuseMs = Math.max(MIN_REUSE_MS, REUSE_FACTOR * (Date.now() - now));
      return { ...usage, measuredAt: new Date(now) };
    },
    (error: unknown) => {
      if (entry === started) entry = null;
      throw error;
    },
  );
  entry = started;
  return started.usage;
}

/** Forget the last walk (tests). */
export function forgetRecentUsage(): void {
  entry = null;
}
