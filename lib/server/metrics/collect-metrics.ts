/**
 * What GET /api/metrics reports, read from the database and QM_FOLDER's disk at each scrape:
 * jobs by state, the queue, waiting and run times, processors in use, the worker's heartbeat,
 * mails, retention and free space (bytes and inodes). Counters are counts of rows, so they match the database.
 */
import { JOB_STATES } from "../../core/job-lifecycle";
import { type MetricFamily, histogramSamples } from "../../core/prometheus-text";
import type { QmConfig } from "../../core/qm-config";
import { isWorkerAlive, parseWorkerStats } from "../../core/worker-stats";
import { readDiskSpace } from "../disk-space";
import { readLastPass } from "../retention/retention-state";
import { type Sql, toDate } from "../store/sql";
import { durationHistogram, waitHistogram } from "./job-histograms";

const gauge = (name: string, help: string, value: number, labels?: Record<string, string>): MetricFamily => ({ name, help, type: "gauge", samples: [{ value, labels }] });
const counter = (name: string, help: string, value: number): MetricFamily => ({ name, help, type: "counter", samples: [{ value }] });

async function jobCounts(sql: Sql) {
  const rows = await sql.all<{ state: string; n: number }>(`SELECT "state", COUNT(*) AS "n" FROM "Job" GROUP BY "state"`);
  const byState = new Map(rows.map((r) => [r.state, Number(r.n)]));
  const extra = await sql.get<{ purged: number; cpu: number | null; mailsSent: number; mailsFailed: number }>(
    `SELECT (SELECT COUNT(*) FROM "Job" WHERE "purgedAt" IS NOT NULL) AS "purged", (SELECT SUM("cpuSeconds") FROM "Job") AS "cpu",
       (SELECT COUNT(*) FROM "JobEvent" WHERE "kind" = 'mail-sent') AS "mailsSent", (SELECT COUNT(*) FROM "JobEvent" WHERE "kind" = 'mail-failed') AS "mailsFailed"`,
  );
  return { byState, purged: Number(extra?.purged ?? 0), cpuSeconds: Number(extra?.cpu ?? 0), mailsSent: Number(extra?.mailsSent ?? 0), mailsFailed: Number(extra?.mailsFailed ?? 0) };
}

async function workerFigures(sql: Sql) {
  const row = await sql.get<{ heartbeatAt: unknown; stats: string }>(`SELECT "heartbeatAt", "stats" FROM "WorkerStatus" WHERE "id" = 1`);
  const heartbeatAt = row ? toDate(row.heartbeatAt) : null;
  return { heartbeatAt, alive: heartbeatAt ? isWorkerAlive(heartbeatAt, parseWorkerStats(row?.stats)) : false };
}

/** Processors granted to the jobs the rows say are running (each clamped to MaxNbProcessors, as the worker grants them). */
async function processorsInUse(sql: Sql, maxNbProcessors: number): Promise<number> {
  const running = await sql.all<{ nbProc: number }>(`SELECT "nbProc" FROM "Job" WHERE "state" = 'running'`);
  return running.reduce((sum, j) => sum + Math.min(Number(j.nbProc), maxNbProcessors), 0);
}

export async function collectMetrics(sql: Sql, qmFolder: string, config: QmConfig, now = new Date()): Promise<MetricFamily[]> {
  const [jobs, worker, processors, waits, durations, lastPass] = await Promise.all([
    jobCounts(sql), workerFigures(sql), processorsInUse(sql, config.maxNbProcessors), waitHistogram(sql), durationHistogram(sql), readLastPass(sql),
  ]);
  const families: MetricFamily[] = [
    { name: "qm_jobs", help: "Jobs by state (every row: deleted ones included).", type: "gauge", samples: JOB_STATES.map((state) => ({ labels: { state }, value: jobs.byState.get(state) ?? 0 })) },
    gauge("qm_queue_length", "Jobs waiting to start (state queued).", jobs.byState.get("queued") ?? 0),
    { name: "qm_job_wait_seconds", help: "Time from submission (or requeue) to start, of every job that started.", type: "histogram", samples: histogramSamples(waits) },
    { name: "qm_job_duration_seconds", help: "Time from start to end, of every job that ended after running.", type: "histogram", samples: histogramSamples(durations) },
    counter("qm_job_cpu_seconds_total", "CPU time used by finished jobs, as recorded.", jobs.cpuSeconds),
    gauge("qm_processors_in_use", "Processors granted to running jobs.", processors),
    gauge("qm_processors_max", "MaxNbProcessors of QMserv.cfg.", config.maxNbProcessors),
    gauge("qm_worker_up", "1 while the worker's heartbeat is fresh (and it did not say it stopped).", worker.alive ? 1 : 0),
    gauge("qm_worker_heartbeat_age_seconds", "Seconds since the worker's last heartbeat (+Inf: never).", worker.heartbeatAt ? Math.max(0, (now.getTime() - worker.heartbeatAt.getTime()) / 1000) : Infinity),
    counter("qm_mails_sent_total", "End-of-job mails sent.", jobs.mailsSent),
    counter("qm_mails_failed_total", "End-of-job mails that could not be sent.", jobs.mailsFailed),
    counter("qm_jobs_purged_total", "Finished jobs whose folder the retention pass removed or archived.", jobs.purged),
    gauge("qm_retention_last_pass_timestamp_seconds", "When the retention pass last ran (0: never).", lastPass ? Date.parse(lastPass.at) / 1000 : 0),
  ];
  try {
    const disk = readDiskSpace(qmFolder, config);
    families.push(
      gauge("qm_disk_free_bytes", "Free space on QM_FOLDER's disk (for unprivileged writers).", disk.freeBytes),
      gauge("qm_disk_size_bytes", "Size of QM_FOLDER's disk.", disk.sizeBytes),
      gauge("qm_disk_min_free_bytes", "Min_Free_MB: below it uploads and new starts wait (0: no check).", disk.minFreeBytes),
      gauge("qm_disk_min_free_inodes", "Min_Free_Inodes: below it uploads and new starts wait (0: no check).", disk.minFreeInodes),
    );
    // A filesystem without a fixed number of inodes (btrfs) has no free count to report.
    if (disk.freeInodes !== null) families.push(gauge("qm_disk_free_inodes", "Free inodes (files that may still be created) on QM_FOLDER's disk.", disk.freeInodes));
  } catch {
    // QM_FOLDER missing: no disk figures rather than no metrics
  }
  return families;
}
