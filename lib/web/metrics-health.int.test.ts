/**
 * GET /api/metrics and GET /api/health against a real worker and real jobs (done, failed,
 * killed, queued, mails that fail on a closed SMTP port): the text parses with a strict
 * Prometheus parser and every figure matches the database; access needs the administrator,
 * the token or Metrics_Allow (by default no address, not even this machine's: job scripts run
 * here); health goes 503 with the reason once the worker is stopped.
 */
import fs from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { type ParsedFamily, parsePrometheusText, sampleValue } from "../core/prometheus-parser";
import { JOB_STATES } from "../core/job-lifecycle";
import { DURATION_BOUNDS, WAIT_BOUNDS } from "../server/metrics/job-histograms";
import type { Health } from "../server/health";
import { createWorker, type Worker } from "../../worker/create-worker";
import { removeInstanceCgroups, waitFor } from "../../worker/tests/helpers";
import { qmLayout } from "../server/qm-folders";
import { createApiToken } from "../server/users/api-tokens";
import { type Handler, basic, basicAs, cfgPath, ctx, databaseUrl, db, dir, errorOf, login, qm, req, routes, submitJobZip, writeConfig } from "./api-test-harness";
import { PEER_HEADER } from "./peer-header";

let metrics: Handler;
let health: Handler;
let worker: Worker | undefined;

beforeAll(async () => {
  fs.chmodSync(dir, 0o755); // jobs run as unprivileged uids: they must reach QM_FOLDER
  metrics = (await import("../../app/api/metrics/route")).GET;
  health = (await import("../../app/api/health/route")).GET;
});

afterAll(async () => {
  await worker?.stop({ now: true });
  await removeInstanceCgroups(qmLayout(qm).internal);
});

// Mails go to a port where nothing listens: each end of job records a mail-failed event.
const keys = (web: Record<string, string> = {}) => writeConfig({ Metrics_Allow: "10.0.0.0/8", ...web }, { MaxNbProcessors: "1", Kill_Grace: "1", MailActive: "True", smtp_host: "127.0.0.1", smtp_port: "9" });

const submit = submitJobZip;

const stateOf = async (id: number) => (await db.job.findUniqueOrThrow({ where: { id } })).state;
const scrape = async (headers: Record<string, string> = {}) => metrics(req("/api/metrics", { headers }), ctx(0));
const healthOf = async () => {
  const res = await health(req("/api/health"), ctx(0));
  return { status: res.status, body: (await res.json()) as Health };
};

/** Cumulative bucket counts of spans (seconds) as Prometheus counts them. */
const cumulative = (spans: number[], bounds: number[]) => bounds.map((b) => spans.filter((s) => s <= b).length);
const seconds = (from: Date | null, to: Date | null) => (from && to ? Math.max(0, (to.getTime() - from.getTime()) / 1000) : null);
const buckets = (families: Map<string, ParsedFamily>, name: string, bounds: number[]) => bounds.map((le) => sampleValue(families, `${name}_bucket`, { le: String(le) }));

describe("/api/metrics and /api/health", () => {
  it("report figures that parse strictly and match the database; health follows the worker", async () => {
    keys();
    expect((await healthOf()).body).toMatchObject({ status: "unhealthy", checks: { worker: "never started" } });
    worker = createWorker({ configPath: cfgPath, databaseUrl, log: () => undefined, heartbeatMs: 60_000 });
    await worker.start();
    expect(await healthOf()).toMatchObject({ status: 200, body: { status: "ok", checks: { web: "ok", database: "ok", worker: "ok" }, reason: null } });

    const ok = await submit("ok", "sh run.sh");
    await waitFor("ok done", async () => (await stateOf(ok)) === "done");
    const bad = await submit("bad", "exit 3");
    await waitFor("bad failed", async () => (await stateOf(bad)) === "failed");
    const slow = await submit("slow", "sleep 1000");
    await waitFor("slow running", async () => (await stateOf(slow)) === "running");
    const waiting = await submit("waiting", "true"); // behind slow: MaxNbProcessors = 1
    expect((await routes.kill(req(`/api/jobs/${slow}/kill`, { method: "POST", headers: basic() }), ctx(slow))).status).toBe(202);
    await waitFor("slow killed", async () => (await stateOf(slow)) === "killed");
    await waitFor("waiting done", async () => (await stateOf(waiting)) === "done");
    const blocker = await submit("blocker", "sleep 1000");
    await waitFor("blocker running", async () => (await stateOf(blocker)) === "running");
    const queued = await submit("queued", "true");
    await waitFor("four mails failed", async () => (await db.jobEvent.count({ where: { kind: "mail-failed" } })) === 4);

    const res = await scrape();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("text/plain; version=0.0.4; charset=utf-8");
    const families = parsePrometheusText(await res.text());

    const groups = await db.job.groupBy({ by: ["state"], _count: { _all: true } });
    for (const state of JOB_STATES) expect(sampleValue(families, "qm_jobs", { state }), state).toBe(groups.find((g) => g.state === state)?._count._all ?? 0);
    expect(sampleValue(families, "qm_jobs", { state: "done" })).toBe(2);
    expect(sampleValue(families, "qm_queue_length")).toBe(1);
    expect(await stateOf(queued)).toBe("queued");

    const rows = await db.job.findMany();
    const waits = rows.map((j) => seconds(j.submittedAt, j.startedAt)).filter((s) => s !== null);
    const runs = rows.map((j) => seconds(j.startedAt, j.finishedAt)).filter((s) => s !== null);
    expect(waits).toHaveLength(5);
    expect(runs).toHaveLength(4);
    expect(sampleValue(families, "qm_job_wait_seconds_count")).toBe(waits.length);
    expect(buckets(families, "qm_job_wait_seconds", WAIT_BOUNDS)).toEqual(cumulative(waits, WAIT_BOUNDS));
    expect(sampleValue(families, "qm_job_wait_seconds_sum")).toBeCloseTo(waits.reduce((a, b) => a + b, 0), 2);
    expect(sampleValue(families, "qm_job_duration_seconds_count")).toBe(runs.length);
    expect(buckets(families, "qm_job_duration_seconds", DURATION_BOUNDS)).toEqual(cumulative(runs, DURATION_BOUNDS));
    expect(sampleValue(families, "qm_job_cpu_seconds_total")).toBeCloseTo(rows.reduce((a, j) => a + (j.cpuSeconds ?? 0), 0), 3);

    expect(sampleValue(families, "qm_mails_failed_total")).toBe(await db.jobEvent.count({ where: { kind: "mail-failed" } }));
    expect(sampleValue(families, "qm_mails_sent_total")).toBe(0);
    expect(sampleValue(families, "qm_processors_in_use")).toBe(1);
    expect(sampleValue(families, "qm_processors_max")).toBe(1);
    expect(sampleValue(families, "qm_worker_up")).toBe(1);
    expect(sampleValue(families, "qm_worker_heartbeat_age_seconds")).toBeLessThan(60);
    const disk = fs.statfsSync(dir);
    expect(Math.abs(sampleValue(families, "qm_disk_free_bytes")! - disk.bavail * disk.bsize)).toBeLessThan(256 * 1024 * 1024);
    expect(sampleValue(families, "qm_disk_min_free_bytes")).toBe(1024 * 1024 * 1024);
    expect(sampleValue(families, "qm_disk_min_free_inodes")).toBe(10_000);
    // No inode count on a filesystem without a fixed number (btrfs): the gauge is left out.
    if (disk.files > 0) expect(Math.abs(sampleValue(families, "qm_disk_free_inodes")! - disk.ffree)).toBeLessThan(100_000);
    else expect(sampleValue(families, "qm_disk_free_inodes")).toBeUndefined();

    // Health goes 503 as soon as the worker stops, saying why.
    await worker.stop({ now: true });
    worker = undefined;
    const down = await healthOf();
    expect(down.status).toBe(503);
    expect(down.body).toMatchObject({ status: "unhealthy", checks: { database: "ok", worker: "stopped" }, reason: expect.stringMatching(/^the worker stopped \d+ s ago: start it again/) });
    const after = parsePrometheusText(await (await scrape()).text());
    expect(sampleValue(after, "qm_worker_up")).toBe(0);
  });

  it("by default are closed to every address, this machine's included (job scripts run here); the administrator and the token read them", async () => {
    writeConfig({ Metrics_Token: "s3cret-token-0123456789" }); // Metrics_Allow left at its default
    for (const address of ["127.0.0.1", "::1", "10.1.2.3"]) {
      const refused = await scrape({ [PEER_HEADER]: address });
      expect(refused.status, address).toBe(403);
      expect((await errorOf(refused)).message).toContain(`Metrics_Allow (none); this request came from ${address}`);
    }
    expect((await scrape({ [PEER_HEADER]: "127.0.0.1", ...basicAs("ann") })).status).toBe(403);
    expect((await scrape({ [PEER_HEADER]: "127.0.0.1", ...basic() })).status).toBe(200);
    expect((await scrape({ cookie: (await login()).cookie })).status).toBe(200);
    const admin = await db.user.findUniqueOrThrow({ where: { username: "admin" } });
    expect((await scrape({ authorization: `Bearer ${(await createApiToken(db, admin.id, "prometheus")).token}` })).status).toBe(200);
    expect((await scrape({ [PEER_HEADER]: "127.0.0.1", authorization: "Bearer s3cret-token-0123456789" })).status).toBe(200);
    // The administrator's opt-in.
    writeConfig({ Metrics_Allow: "127.0.0.1, ::1" });
    expect((await scrape({ [PEER_HEADER]: "127.0.0.1" })).status).toBe(200);
    expect((await scrape({ [PEER_HEADER]: "::1" })).status).toBe(200);
    expect((await scrape({ [PEER_HEADER]: "10.1.2.3" })).status).toBe(403);
  });

  it("are open to Metrics_Allow addresses and to the token, to nobody else", async () => {
    keys({ Metrics_Allow: "192.168.0.0/16", Metrics_Token: "s3cret-token-0123456789" });
    const refused = await scrape();
    expect(refused.status).toBe(403);
    expect((await errorOf(refused)).message).toMatch(/Metrics_Allow \(192\.168\.0\.0\/16\); this request came from 10\.0\.0\.\d+/);
    expect((await scrape({ authorization: "Bearer wrong" })).status).toBe(401);
    expect((await scrape({ authorization: "Bearer s3cret-token-0123456789" })).status).toBe(200);
    keys({ Metrics_Allow: "" });
    expect((await scrape()).status).toBe(403);
    // Health needs no login: load balancers ask it.
    expect([200, 503]).toContain((await healthOf()).status);
  });
});
