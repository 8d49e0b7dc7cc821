/**
 * Live updates on the web side: the status every viewer gets alike (GET /api/status adds
 * what the viewer may do), and the one live feed of this process (lib/server/live-feed.ts)
 * that GET /api/events streams to every open page.
 */
import type { LiveStatus } from "../core/api-types";
import { createLiveFeed, type LiveFeed } from "../server/live-feed";
import { getQueueStatus } from "../server/queue-status";
import { readJobsVersion } from "../server/store/jobs-version";
import { diskStatus } from "../server/disk-space";
import { getConfig, getDb, getLayout, getStateCounts, getStore } from "./context";

export async function getLiveStatus(): Promise<LiveStatus> {
  const { config } = getConfig();
  const status = await getQueueStatus(getDb(), getStateCounts(), config.maxNbProcessors);
  return {
    ...status,
    disk: diskStatus(getLayout().root, config),
    paused: await getStore().readPause(),
    refreshRate: config.web.refreshRate,
    displayDetails: config.web.displayDetails,
    jobFile: config.jobFile,
    serverTime: new Date().toISOString(),
  };
}

const feedKey = Symbol.for("qm.web.live-feed");
type WithFeed = typeof globalThis & { [feedKey]?: LiveFeed };

/** The process's feed (kept on globalThis: Next may load this module more than once). */
export function getLiveFeed(): LiveFeed {
  const g = globalThis as WithFeed;
  g[feedKey] ??= createLiveFeed({
    readVersion: () => readJobsVersion(getStore().sql),
    readStatus: getLiveStatus,
    statusEveryMs: () => getConfig().config.web.refreshRate * 1000,
    log: (message) => console.error(`[web] ${message}`),
  });
  return g[feedKey];
}
