/** The live-updates figures: the web server's CPU with 50 open dashboards, pushed and polled, and the update latency. */
import type { QmInstance } from "../lib/qm-instance";
import { atMost, type Report } from "../lib/report";
import { percentile, round } from "../lib/stats";
import { launchChromium, openDashboards, updateLatency, webCpuShare } from "./live";
import { webMemory } from "./overhead";

/** How long the queue has been quiet when the idle stretch starts. */
const IDLE_AFTER_MS = 20_000;

export async function liveSection(qm: QmInstance, report: Report, size: { dashboards: number; idleSeconds: number; latencySamples: number }): Promise<void> {
  const n = size.dashboards;
  console.log(`live updates: ${n} dashboards, pushed`);
  const pushed = await openDashboards(qm, n, "push");
  let latency: number[];
  let polledLatency: number[];
  try {
    // Idle means quiet for a while: the stretch starts 20 s after the dashboards opened (and
    // the sections before ended), past a worker's one-off work after a burst or its start
    // (the full collection once quiet, the released uids' sweep).
    const idle = await webCpuShare(qm, size.idleSeconds, IDLE_AFTER_MS);
    // The web server as the product runs it: every dashboard on the stream.
    report.add({ name: `web server RSS, ${n} dashboards pushed`, value: webMemory(qm), unit: "MB", target: "<= 120 MB", note: "after the idle stretch, the streams open" }, atMost(120));
    report.add({ name: `web server CPU, ${n} dashboards, idle queue`, value: idle.web * 100, unit: "% of a core", target: "<= 10 %", note: `over ${size.idleSeconds} s; ${pushed.requests()} requests in all` }, atMost(10));
    report.add({ name: "worker CPU while idle", value: idle.worker * 60, unit: "CPU s/min", target: "<= 0.02", note: `the same idle stretch, ${IDLE_AFTER_MS / 1000} s after the last job` }, atMost(0.02));
    const browser = await launchChromium();
    try {
      latency = await updateLatency(qm, browser, size.latencySamples, true);
      polledLatency = await updateLatency(qm, browser, Math.max(4, size.latencySamples / 2), false);
    } finally {
      await browser.close();
    }
  } finally {
    await pushed.close();
  }
  report.add({ name: `update latency p50, ${n} dashboards`, value: percentile(latency, 50), unit: "ms", target: "<= 200 ms", note: `p95 ${round(percentile(latency, 95))} ms; polling (the page before): p50 ${round(percentile(polledLatency, 50))} ms` }, atMost(200));
  console.log(`live updates: ${n} dashboards polling every Refresh_Rate (as before the push)`);
  const polling = await openDashboards(qm, n, "poll");
  try {
    const cpu = await webCpuShare(qm, Math.min(20, size.idleSeconds), 2_000);
    report.add({ name: `web server CPU, ${n} dashboards polling`, value: cpu.web * 100, unit: "% of a core", note: "the page before the push, for comparison" });
  } finally {
    await polling.close();
  }
  report.add({ name: `web server RSS after ${n} dashboards polling`, value: webMemory(qm), unit: "MB", note: "right after the polling comparison (the page before the push): a transient peak of its 2,000 requests" });
}
