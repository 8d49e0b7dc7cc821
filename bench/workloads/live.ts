/**
 * Live updates with 50 open dashboards. Each simulated dashboard does what the page does:
 * it loads the status and its three lists, then either holds GET /api/events and refetches
 * the lists when the jobs version moves (at most once a second), or, as before the push,
 * polls the four every Refresh_Rate. Measured: the web server's CPU over an idle stretch
 * for both, and, in a real Chromium dashboard among the 50, how long a job's state change
 * takes to show on the page.
 */
import { setMaxListeners } from "node:events";
import { type Browser, chromium } from "@playwright/test";
import { planTransition } from "../../lib/core/job-lifecycle";
import { type JobStore, createJobStore } from "../../lib/server/store/job-store";
import { openSql } from "../../lib/server/store/sql";
import type { QmInstance } from "../lib/qm-instance";
import { cpuSeconds } from "../lib/proc";
import { sleep } from "../lib/jobs";

const STATUS = "/api/status";
const LISTS = ["/api/jobs?view=running&pageSize=200", "/api/jobs?view=queued&pageSize=200", "/api/jobs?view=finished&page=1&pageSize=25"];

export interface Dashboards {
  requests(): number;
  close(): Promise<void>;
}

/** `count` dashboards, pushed (`push`) or polling every `refreshMs`. */
export async function openDashboards(qm: QmInstance, count: number, mode: "push" | "poll", refreshMs = 2_000): Promise<Dashboards> {
  const stop = new AbortController();
  setMaxListeners(0, stop.signal); // one signal for thousands of requests
  let requests = 0;
  const get = (url: string) =>
    fetch(`${qm.baseUrl}${url}`, { signal: stop.signal })
      .then((r) => (requests++, r.arrayBuffer()))
      .catch(() => undefined);
  const load = (urls: string[]) => Promise.all(urls.map(get));
  const tasks: Promise<unknown>[] = [];
  for (let i = 0; i < count; i++) {
    await load([STATUS, ...LISTS]);
    if (mode === "poll") {
      tasks.push((async () => {
        while (!stop.signal.aborted) {
          await sleep(refreshMs);
          await load([STATUS, ...LISTS]);
        }
      })());
      continue;
    }
    tasks.push(followStream(qm, stop.signal, () => load(LISTS)));
  }
  return {
    requests: () => requests,
    async close() {
      stop.abort();
      await Promise.allSettled(tasks);
    },
  };
}

/** Hold the event stream; call `refetch` when the jobs version moves, at most once a second. */
async function followStream(qm: QmInstance, signal: AbortSignal, refetch: () => Promise<unknown>): Promise<void> {
  const res = await fetch(`${qm.baseUrl}/api/events`, { signal }).catch(() => null);
  if (!res?.body) return;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = "";
  let version = "";
  let lastRefetch = 0;
  let pending = false;
  try {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += decoder.decode(value, { stream: true });
      let end: number;
      while ((end = buffer.indexOf("\n\n")) >= 0) {
        const frame = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (!frame.startsWith("event: change")) continue;
        const { jobsVersion } = JSON.parse(frame.slice(frame.indexOf("data: ") + 6)) as { jobsVersion: string };
        if (jobsVersion === version || pending) continue;
        const first = version === "";
        version = jobsVersion;
        if (first) continue; // the lists were just loaded
        pending = true;
        void sleep(Math.max(0, lastRefetch + 1_000 - Date.now())).then(async () => {
          pending = false;
          lastRefetch = Date.now();
          await refetch();
        });
      }
    }
  } catch {
    // aborted
  }
}

/** Fraction of one core the web server used over `seconds` (after `settleMs`). */
export async function webCpuShare(qm: QmInstance, seconds: number, settleMs = 5_000): Promise<{ web: number; worker: number }> {
  await sleep(settleMs);
  const web0 = cpuSeconds(qm.web!.pid!);
  const worker0 = cpuSeconds(qm.worker!.pid!);
  await sleep(seconds * 1000);
  return { web: (cpuSeconds(qm.web!.pid!) - web0) / seconds, worker: (cpuSeconds(qm.worker!.pid!) - worker0) / seconds };
}

export async function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.QM_CHROMIUM || "/usr/bin/chromium",
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
  });
}

/**
 * Milliseconds from a job's state change (its row written, committed) to the dashboard in
 * `browser` showing it: each sample records an invalid job through the job store, as the
 * worker does, and waits for the page's `invalid` count to show it. `push`: false blocks
 * the event stream, so the page polls (the figure before the push).
 */
export async function updateLatency(qm: QmInstance, browser: Browser, samples: number, push: boolean): Promise<number[]> {
  const page = await browser.newPage();
  if (!push) await page.route("**/api/events", (route) => route.abort());
  const store: JobStore = createJobStore(openSql(qm.env.DATABASE_URL!));
  try {
    await page.goto(`${qm.baseUrl}/`);
    await page.getByTestId("live-updates").waitFor();
    await page.waitForFunction((live) => document.querySelector('[data-testid="live-updates"]')?.getAttribute("data-live") === live, push ? "yes" : "no");
    // The moment each count first shows, recorded by the page itself (no round trip). A
    // string: tsx would wrap a function's inner names in a helper the page does not have.
    await page.evaluate(`(() => {
      const shown = {};
      const record = () => {
        const text = document.querySelector('[data-testid="count-invalid"]')?.textContent;
        if (text && !(text in shown)) shown[text] = Date.now();
      };
      window.qmShown = shown;
      new MutationObserver(record).observe(document.body, { subtree: true, childList: true, characterData: true });
      record();
    })()`);
    const out: number[] = [];
    for (let i = 0; i < samples; i++) {
      await sleep(push ? 1_200 : 1_000 + Math.random() * 1_000); // after a quiet spell; polling: any phase
      const expected = (qm.countStates().invalid ?? 0) + 1;
      await store.createJob({ name: `latency-${Date.now()}`, script: "true", folder: "QM_lost+found/latency", source: "folder" }, planTransition("reject", null, "invalid", { error: "bench" }, "bench"));
      const changedAt = Date.now();
      const shownAt = await page.waitForFunction((n) => (window as unknown as { qmShown: Record<string, number> }).qmShown[String(n)], expected, { polling: 20, timeout: 30_000 });
      out.push((await shownAt.jsonValue()) - changedAt);
    }
    return out;
  } finally {
    await page.close();
    await store.sql.close();
  }
}
