/**
 * The shapes of the jobs API's answers, shared by the route handlers that build them
 * and the browser code that reads them. Dates travel as ISO strings.
 */
import type { FileKind } from "./file-kinds";
import type { SlurmRunInfo } from "./slurm-run-info";
import type { ClusterStats } from "./worker-stats";

/** One job in a list. `owner` and `info` are null when details are hidden from the viewer. */
export interface JobSummary {
  id: number;
  name: string;
  state: string;
  /** The job's e-mail (e_mail), where QM sends its end. */
  owner: string | null;
  /** The QueueManager account the job belongs to (null: submitted without one, or hidden). */
  account: string | null;
  info: string | null;
  nbProc: number;
  /** GPUs asked for (nb_gpu). */
  nbGpu: number;
  priority: number;
  source: string;
  submittedAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  exitCode: number | null;
  signal: string | null;
  progress: number | null;
  killRequested: boolean;
  error: string | null;
  /** Imported from an earlier installation's finished folders (history import). */
  imported: boolean;
  /**
   * When the retention pass removed (or archived) its folder; null while it is there. A purged
   * job has no files, log or results to ask for: the lists and its page do not ask.
   */
  purgedAt: string | null;
  /** Where the run is in Slurm (job id, state, node, why it waits), for jobs handed to Slurm. */
  slurm: SlurmRunInfo | null;
  /** Queue position (1 = next to run), for queued jobs in the queued list. */
  position?: number;
  /** Its array and index, for an array element. */
  arrayId: number | null;
  arrayIndex: number | null;
  /** When a waiting (queued or held) job should start, and why it waits. */
  estimate?: StartEstimateView;
  /** What the viewer may do with this job (lists: GET /api/jobs; array elements: GET /api/arrays/:id). */
  can?: Permissions;
  /** What the job has (or asked for, before it runs): see JobResources. */
  resources: JobResources;
}

/** A start estimate as the API sends it. */
export interface StartEstimateView {
  /** Expected start (ISO); null when it cannot be told (held, paused, unknown run times). */
  startAt: string | null;
  /** Why it waits, in words for its owner ("waiting for 3 processors; job 41 should end in ~4 min"). */
  reason: string;
}

/**
 * A run's resources: processors granted and the CPUs it is pinned to, its memory limit
 * and walltime (as in force for the run, or as asked before it runs).
 */
export interface JobResources {
  granted: number;
  /** CPU list as cpuset writes it ("0-1"), null when not pinned. */
  cpus: string | null;
  /** The GPUs the run holds, as CUDA_VISIBLE_DEVICES lists them ("0,2"), or with Slurm how many it gave ("2, chosen by Slurm"); null: none (or not started). */
  gpus: string | null;
  memMb: number | null;
  walltimeSeconds: number | null;
  /** The account it ran as ("qm-job-61000", "ann"), null: the worker's own. */
  runAs: string | null;
}

/** A job with its info keys, folder, measurements and history (GET /api/jobs/:id). */
export interface JobDetail extends JobSummary {
  /** The jobs it waits for (after_ok / after_any) and their states now. */
  dependsOn: { parentId: number; kind: string; state: string }[];
  /** The array it is an element of. */
  array: { id: number; name: string; spec: string; maxRunning: number | null } | null;
  /** Fair share on and the job waiting: the rule, and the CPU-seconds its owner used in the window. */
  fairShare: { rule: string; usedCpuSeconds: number } | null;
  script: string | null;
  folder: string;
  /** Every key of the info file; null when details are hidden from the viewer. */
  params: Record<string, string> | null;
  cpuSeconds: number | null;
  peakMemoryKb: number | null;
  /** The run's GPU use as nvidia-smi sampled it: peak memory of its devices (MiB), mean utilisation (%); null: not sampled. */
  gpuMemPeakMb: number | null;
  gpuUtilMean: number | null;
  events: { at: string; kind: string; detail: string | null }[];
}

/** What the viewer may do with a job: its owner or the admin, within QMserv.cfg's switches. */
export interface Permissions {
  kill: boolean;
  delete: boolean;
  requeue: boolean;
  hold: boolean;
  release: boolean;
  /** Pause and resume the whole queue (the administrator). */
  pause: boolean;
}

/**
 * Actions that fit a job and that the viewer may do (`can`), but that the server is sure to
 * refuse as things are now, each with the refusal it would give: a requeue of a job that
 * would be cancelled again at once (its after_ok parent failed), or whose folder is gone.
 */
export type ActionRefusals = Partial<Record<Exclude<keyof Permissions, "pause">, string>>;

/** The viewer's own job's actions switched off by QMserv.cfg (Licence_to_kill, Delete_Jobs), each with the sentence that says so. */
export type SwitchedOff = Partial<Record<"kill" | "delete", string>>;

/** One page of a job list. */
export interface JobPage {
  jobs: JobSummary[];
  total: number;
  page: number;
  pageSize: number;
}

/** GET /api/jobs */
export interface JobsAnswer extends JobPage {
  serverTime: string;
}

/** GET /api/jobs/:id */
export interface JobAnswer {
  job: JobDetail;
  can: Permissions;
  /** What of `can` would be refused now, and why (absent from servers before it was added). */
  refused?: ActionRefusals;
  /** The viewer's own job's actions switched off for users (absent from servers before it was added). */
  switchedOff?: SwitchedOff;
  /**
   * What QueueManager read instead of what, and, while the job waits, what it will get that
   * differs from what it asked (nb_proc above MaxNbProcessors, mem or walltime above the
   * maxima); absent from servers before it was added.
   */
  notes?: string[];
  /** The server's clock, so elapsed times do not depend on the browser's. */
  serverTime: string;
}

/** One entry of a job's folder. */
export interface FileEntry {
  /** Its name to show: a byte that is not UTF-8 as its Latin-1 character (see notUtf8). */
  name: string;
  /**
   * Path relative to the job folder, with `/`, that addresses it (?path= of the file routes):
   * a byte that is not UTF-8 is the lone surrogate U+DC00 + the byte (lib/core/name-bytes.ts),
   * sent in a URL as that byte percent-encoded (lib/client/file-urls.ts).
   */
  path: string;
  type: "file" | "dir" | "outside-link" | "broken-link" | "other";
  size: number;
  modifiedAt: string;
  /** Shown inline as text (log, cfg, txt, xml, py, sh, csv...). */
  text: boolean;
  /** Its name is not UTF-8 (Latin-1 from an older system): `name` is its Latin-1 reading. */
  notUtf8?: true;
  /** Kept from others by its mode or a folder's on its way (lib/core/private-files.ts): only the job's owner and the administrator may open it. */
  private?: true;
  /** Why this viewer may not open it (a private entry, and the viewer is neither its owner nor the administrator): the 403 of the file routes. */
  refusal?: string;
}

/** GET /api/jobs/:id/files */
export interface FolderListing {
  /** The folder listed, relative to the job folder ("" is its top). */
  path: string;
  entries: FileEntry[];
}

/** One file of a results strip. */
export interface ResultFile {
  path: string;
  kind: FileKind;
}

/** GET /api/jobs/:id/results: what a job's results strip shows. */
export interface ResultsAnswer {
  /** At most 12, in order. */
  files: ResultFile[];
  /** How many more there are. */
  more: number;
  /** Named by the info file's `results` key, or the pictures found in the folder. */
  source: "results-key" | "pictures";
}

/** GET /api/jobs/:id/progress: the progress curve of the job's current (or last) run. */
export interface ProgressAnswer {
  startedAt: string | null;
  /** Time and percent, oldest first. */
  samples: { at: string; percent: number }[];
}

/** One run in GET /api/compare. */
export interface ComparedRun {
  id: number;
  /** Null when this job cannot be shown (`error` says why); its history and queue details are left out. */
  job: Omit<JobDetail, "dependsOn" | "array" | "fairShare"> | null;
  error?: string;
  /** Its servable files (at most 5000; `filesComplete` false when there are more); null when its folder cannot be read. */
  files: { path: string; size: number }[] | null;
  filesComplete: boolean;
  /** Why `files` is null. */
  filesError?: string;
}

/** GET /api/compare */
export interface CompareAnswer {
  runs: ComparedRun[];
  /** `?array=`: the finished elements past the first MAX_COMPARED (by index), not compared. */
  leftOut?: number[];
  serverTime: string;
}

/** A piece of process.log, read by byte offset. */
export interface LogChunk {
  /** Where `text` starts in the file. */
  offset: number;
  /** Where to ask next time. */
  nextOffset: number;
  size: number;
  text: string;
  /** The file is shorter than the offset asked (rewritten): the client starts over. */
  reset: boolean;
  exists: boolean;
}

/** GET /api/jobs/:id/files/text: a piece of any file, as text. */
export interface TextChunk extends LogChunk {
  /** The piece holds NUL bytes: the file is not text. */
  binary: boolean;
}

/** GET /api/jobs/:id/log */
export interface LogAnswer extends LogChunk {
  state: string;
}

/** The queues' counts, the processors and the worker's heartbeat. */
export interface QueueStatus {
  counts: Record<string, number>;
  maxNbProcessors: number;
  processorsInUse: number;
  loadavg: number[];
  cpus: number;
  worker: {
    alive: boolean;
    pid: number;
    host: string;
    heartbeatAt: string;
    /** uid: jobs run as their own unprivileged identity; none: they share the worker's privileges. */
    isolation?: "uid" | "none";
  } | null;
  /** The GPUs the worker hands out ("0,1,2") and how many running jobs hold; null: none (or no worker has said). */
  gpus: { list: string; total: number; inUse: number } | null;
  /** Where jobs run (the worker's executor): local or slurm. */
  executor: string;
  /** The Slurm cluster as the worker last saw it (sinfo), with executor = slurm. */
  cluster: ClusterStats | null;
}

/** Free space on QM_FOLDER's disk against Min_Free_MB and Min_Free_Inodes; `message` says why uploads and starts wait. */
export interface DiskStatus {
  freeBytes: number;
  sizeBytes: number;
  minFreeBytes: number;
  /** Free inodes (files); null: the filesystem sets no limit (btrfs). */
  freeInodes: number | null;
  minFreeInodes: number;
  lowBytes: boolean;
  lowInodes: boolean;
  low: boolean;
  message: string | null;
}

/** The status every viewer gets alike: the queue, its disk, its pause, and the page settings the UI follows. */
export interface LiveStatus extends QueueStatus {
  /** null: QM_FOLDER's disk could not be read. */
  disk: DiskStatus | null;
  /** The pause, or null while the queue runs. */
  paused: PauseView | null;
  /** Refresh_Rate, seconds between page updates. */
  refreshRate: number;
  displayDetails: boolean;
  /** job_file: the info file every job holds (the qm command writes it for a lone script). */
  jobFile: string;
  serverTime: string;
}

/** GET /api/status: the shared status plus what this viewer may do. */
export interface StatusAnswer extends LiveStatus {
  isAdmin: boolean;
  /** What the viewer may do with any job (the administrator: all; others: their own jobs' `can`), and pausing. */
  can: Permissions;
}

/**
 * The `change` event of GET /api/events (Server-Sent Events): pushed when a job row
 * changed (`jobsVersion` moved) or the status did (at most every Refresh_Rate).
 */
export interface LiveChange {
  jobsVersion: string;
  status: LiveStatus;
}

/** GET /api/admin/retention: what the next retention pass would remove (a dry run), and the last pass. */
export interface RetentionAnswer {
  settings: { keepDays: number; maxGb: number; archiveFolder: string | null };
  /** Keep_Days or Keep_Max_GB set: the worker runs a pass daily. */
  enabled: boolean;
  items: { id: number; name: string; state: string; folder: string; endedAt: string; sizeBytes: number; reason: "age" | "space" }[];
  cutoff: string | null;
  ceilingBytes: number | null;
  usedBytes: number | null;
  /** When usedBytes and the sizes were measured (a recent walk, reused for a while); null: no ceiling. */
  measuredAt: string | null;
  afterBytes: number | null;
  freedBytes: number;
  lastPass: { at: string; removed: number; archived: number; skipped: number; failed: number; freedBytes: number; stopped?: string } | null;
  /** Why a pass would move and remove nothing now (Archive_Folder another account could change), or null. */
  archiveProblem: string | null;
  /** When a pass was asked for from this page (ISO), or null. */
  requestedAt: string | null;
  /** The earliest next automatic pass (ISO); null when retention is off or the worker has not seen it on yet. */
  nextPassAt: string | null;
  serverTime: string;
}
/** One array (a submission with `array = ...`) with its elements counted per state. */
export interface ArraySummary {
  id: number;
  name: string;
  /** The spec as submitted: 1-20%2, 1,5,9... */
  spec: string;
  maxRunning: number | null;
  createdAt: string;
  owner: string | null;
  /** Elements (deleted ones left out). */
  total: number;
  counts: Record<string, number>;
  /** Combined progress: ended elements count whole, running ones by their progress (0-100). */
  progress: number;
}

/** GET /api/arrays */
export interface ArraysAnswer {
  arrays: ArraySummary[];
}

/** GET /api/arrays/:id */
export interface ArrayAnswer {
  array: ArraySummary;
  /** The elements in index order, waiting ones with their start estimate. */
  jobs: JobSummary[];
  can: Permissions;
  /** What of the array actions `can` allows would be refused now (absent from servers before it was added). */
  refused?: ArrayRefusals;
  serverTime: string;
}

/**
 * An array action the viewer may do but that the server is sure to refuse, now, for some
 * or all of the elements it fits: a requeue of elements cancelled for their failed or
 * deleted after_ok parent, or whose folder is gone.
 */
export interface ArrayActionRefusal {
  /** The elements it would refuse. */
  refused: number[];
  /** How many elements it fits in all (unfinished ones, for requeue): refused.length === of means none would go. */
  of: number;
  /** The first refusal, as the action would give it. */
  reason: string;
}

export type ArrayRefusals = { requeue?: ArrayActionRefusal };

/** POST /api/arrays/:id/hold|release|kill|requeue|delete: what the action did to the elements. */
export interface ArrayActionAnswer {
  /** Elements the action was applied to. */
  applied: number[];
  /** Elements that changed meanwhile (started, ended...) and were left as they are. */
  skipped: number[];
  /** Elements the action does not fit, and why (a requeued element whose after_ok parent failed). */
  refused: { id: number; reason: string }[];
  /**
   * `hold` and `delete`: the elements running, which neither can touch: said, so that
   * "held 7" is not read as the whole array held (kill them first).
   */
  running?: number[];
  /**
   * With `executor = slurm`, the elements handed to Slurm and still pending there (state
   * `pending`): for `hold` and `delete` left as they are, as running ones are; for `kill`
   * among `applied` (cancelled in Slurm at once).
   */
  pending?: number[];
  /** `hold` and `release`: the elements in the state asked for already (held; queued, not held), which is not an error. */
  already?: number[];
  /** `kill`: the waiting elements it cancelled (among `applied`; the others were asked to stop). */
  cancelled?: number[];
}

/**
 * POST /api/jobs/:id/hold and /release. Asking for the state the job is in already is not an
 * error; `changed` says whether it did anything (false: it was held already, or not held).
 */
export interface HoldAnswer {
  ok: true;
  state: "held" | "queued";
  /** Absent from servers before it was added. */
  changed?: boolean;
}

/** POST /api/queue/pause and /resume: the pause now; `changed` false when it was paused (or running) already. */
export interface PauseAnswer {
  paused: PauseView | null;
  /** Absent from servers before it was added. */
  changed?: boolean;
}

/** GET /api/queue (and part of /api/status): is the queue paused, by whom, since when. */
export interface PauseView {
  by: string;
  at: string;
}
