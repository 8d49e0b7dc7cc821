/**
 * A QM 0.4 installation's finished folders, written the way QM 0.4 wrote them (names,
 * process.log lines, info files), for the history import's tests. Times are the server's
 * local time, as QM 0.4 used `datetime.now().isoformat()`. Not used by the app.
 */
import fs from "node:fs";
import path from "node:path";

export interface Qm04Job {
  queue: "QM_dJobs" | "QM_lost+found";
  folder: string;
  info?: string;
  log?: string;
  /** Modification time of process.log (and the folder), local ISO. */
  at: string;
}

const cfg = (keys: Record<string, string>) => `[QMOptions]\n${Object.entries(keys).map(([k, v]) => `${k} : ${v}`).join("\n")}\n`;

/** What an import of this tree must find, job by job. */
export const QM04_JOBS: (Qm04Job & { expect: { name: string; state: string; owner: string | null; exitCode: number | null; durationS: number | null } })[] = [
  {
    // Blocking mode: start line, output, end line with the code, elapsed time.
    queue: "QM_dJobs", folder: "2021-02-16T10:23:45-nmr_fit", at: "2021-02-16T10:23:45",
    info: cfg({ nb_proc: "4", e_mail: "ann@lab.org", info: "fit of the NMR series", script: "python fit.py" }),
    log: "Job started by QM at:  2021-02-16T10:18:45\nprocessing 1 / 2\nprocessing 2 / 2\nJob finished at: 2021-02-16T10:23:45 with code 0\nelapsed time: 300.0s",
    expect: { name: "nmr_fit", state: "done", owner: "ann@lab.org", exitCode: 0, durationS: 300 },
  },
  {
    // A fork's spelling of the duration, and a failure: QM 0.4 left it in QM_dJobs too.
    queue: "QM_dJobs", folder: "2021-02-17T08:00:10-bad_run", at: "2021-02-17T08:00:10",
    info: cfg({ e_mail: "bob@lab.org", script: "sh run.sh" }),
    log: "Job started by QM at:  2021-02-17T07:59:28\nTraceback (most recent call last):\nValueError\nJob finished at: 2021-02-17T08:00:10 with code 2\ndure: 42.0s",
    expect: { name: "bad_run", state: "failed", owner: "bob@lab.org", exitCode: 2, durationS: 42 },
  },
  {
    // Non-blocking mode wrote only the script's output: it ended, how is unknown.
    queue: "QM_dJobs", folder: "2021-02-18T09:30:00-async_job", at: "2021-02-18T09:30:00",
    info: cfg({ e_mail: "ann@lab.org", script: "sh run.sh", nb_proc: "2" }),
    log: "processing 1 / 1\n",
    expect: { name: "async_job", state: "done", owner: "ann@lab.org", exitCode: null, durationS: null },
  },
  {
    // QM 0.3 moved folders under their bare name.
    queue: "QM_dJobs", folder: "old_job", at: "2019-05-01T12:00:00",
    info: cfg({ e_mail: "carl@lab.org", script: "sh run.sh" }),
    log: "Nb of processors limited to 8",
    expect: { name: "old_job", state: "done", owner: "carl@lab.org", exitCode: null, durationS: null },
  },
  {
    // An info file QM could not read: "Job invalid", left in QM_dJobs.
    queue: "QM_dJobs", folder: "broken_job", at: "2021-02-18T11:00:00",
    log: "Job invalid: /data/QM/QM_qJobs/broken_job",
    expect: { name: "broken_job", state: "invalid", owner: null, exitCode: null, durationS: null },
  },
  {
    // Found in QM_Jobs when QM restarted: time stamp glued to the name, no end.
    queue: "QM_lost+found", folder: "2021-02-19T12:00:00crashed_job", at: "2021-02-19T11:10:00",
    info: cfg({ e_mail: "bob@lab.org", script: "sh long.sh" }),
    log: "Job started by QM at:  2021-02-19T11:00:00\nprocessing 3 / 10\n",
    expect: { name: "crashed_job", state: "lost", owner: "bob@lab.org", exitCode: null, durationS: 3600 },
  },
  {
    // A fork that sent failed jobs to QM_lost+found with the dash.
    queue: "QM_lost+found", folder: "2021-02-20T13:00:00-failed_fork", at: "2021-02-20T13:00:00",
    info: cfg({ e_mail: "ann@lab.org", script: "sh run.sh" }),
    log: "Job started by QM at:  2021-02-20T12:59:50\nScript could not be run, aborted, with retcode is 1, message: (None, None)\nJob finished at: 2021-02-20T13:00:00 with code 1\ndure: 10.0s",
    expect: { name: "failed_fork", state: "failed", owner: "ann@lab.org", exitCode: 1, durationS: 10 },
  },
];

/** Write the tree under `qmFolder` (QM_dJobs and QM_lost+found). */
export function writeQm04Tree(qmFolder: string, jobs = QM04_JOBS): void {
  for (const job of jobs) {
    const dir = path.join(qmFolder, job.queue, job.folder);
    fs.mkdirSync(dir, { recursive: true });
    const at = new Date(job.at);
    if (job.info !== undefined) {
      fs.writeFileSync(path.join(dir, "proc_config.cfg"), job.info);
      const submitted = new Date(at.getTime() - 86_400_000);
      fs.utimesSync(path.join(dir, "proc_config.cfg"), submitted, submitted);
    }
    if (job.log !== undefined) {
      fs.writeFileSync(path.join(dir, "process.log"), job.log);
      fs.utimesSync(path.join(dir, "process.log"), at, at);
    }
    fs.utimesSync(dir, at, at);
  }
}
