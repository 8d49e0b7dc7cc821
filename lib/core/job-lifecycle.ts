/**
 * A job's life as data: its states, the actions that move it between them, and pure
 * functions that turn an action into the row patch and the history event the store
 * writes. Every write of a Job row goes through `planTransition`, so an illegal move
 * (finishing a job twice, requeueing a running one) is refused in one place.
 *
 * ```
 *  (new) --submit--> queued <--release/hold--> held
 *  (new) --reject--> invalid           queued/held --cancel--> cancelled
 *  queued --start--> running | pending --run--> running
 *  running/pending --end--> done | failed | killed | timeout | oom | lost
 *  running/pending --requeue--> queued   (worker shut down, or Recovery = requeue)
 *  finished --requeue--> queued          queued/held/finished --delete--> deleted
 *  queued/held --vanish--> lost          (its folder disappeared)
 * ```
 */

/** Every state a job row can be in. */
export const JOB_STATES = ["queued", "held", "pending", "running", "done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost", "deleted"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** Waiting in QM_qJobs: started when its turn comes (queued) or never until released (held). */
export const WAITING_STATES = ["queued", "held"] as const satisfies readonly JobState[];
/** Handed to an executor: `pending` waits in it (Slurm's queue), `running` runs. Its folder is in QM_Jobs. */
export const ACTIVE_STATES = ["pending", "running"] as const satisfies readonly JobState[];
/** States of a job that has ended: it can be requeued or deleted. */
export const FINISHED_STATES = ["done", "failed", "killed", "timeout", "oom", "cancelled", "invalid", "lost"] as const satisfies readonly JobState[];
/** How a run on an executor can end. */
export const END_STATES = ["done", "failed", "killed", "timeout", "oom", "lost"] as const satisfies readonly FinishedState[];
/** The states a job list shows and filters by: every one but deleted. */
export const LISTED_STATES = [...WAITING_STATES, ...ACTIVE_STATES, ...FINISHED_STATES] as const;

export type WaitingState = (typeof WAITING_STATES)[number];
export type ActiveState = (typeof ACTIVE_STATES)[number];
export type FinishedState = (typeof FINISHED_STATES)[number];
export type EndState = (typeof END_STATES)[number];

const includes = <T extends string>(list: readonly T[], value: string): value is T => (list as readonly string[]).includes(value);
export const isFinishedState = (state: string): state is FinishedState => includes(FINISHED_STATES, state);
export const isActiveState = (state: string): state is ActiveState => includes(ACTIVE_STATES, state);
export const isWaitingState = (state: string): state is WaitingState => includes(WAITING_STATES, state);

/** Where a state's folder lives under QM_FOLDER. */
export function queueOf(state: JobState): "queued" | "running" | "done" | "lost" | null {
  if (isWaitingState(state)) return "queued";
  if (isActiveState(state)) return "running";
  if (state === "done") return "done";
  return state === "deleted" ? null : "lost";
}

/** The actions, each with the states it may leave (`null`: a new row) and the states it may enter. */
export const TRANSITIONS = {
  submit: { from: [null], to: ["queued", "held"] },
  reject: { from: [null], to: ["invalid"] },
  /** A folder found in QM_Jobs with no record of a job. */
  orphan: { from: [null], to: ["lost"] },
  /** Imported from an earlier installation's finished folders. */
  import: { from: [null], to: [...FINISHED_STATES] },
  start: { from: ["queued"], to: ["running", "pending"] },
  run: { from: ["pending"], to: ["running"] },
  end: { from: [...ACTIVE_STATES], to: [...END_STATES] },
  requeue: { from: [...ACTIVE_STATES, ...FINISHED_STATES], to: ["queued", "held"] },
  hold: { from: ["queued"], to: ["held"] },
  release: { from: ["held"], to: ["queued"] },
  cancel: { from: [...WAITING_STATES], to: ["cancelled"] },
  vanish: { from: [...WAITING_STATES], to: ["lost"] },
  delete: { from: [...WAITING_STATES, ...FINISHED_STATES], to: ["deleted"] },
} as const satisfies Record<string, { from: readonly (JobState | null)[]; to: readonly JobState[] }>;

export type JobAction = keyof typeof TRANSITIONS;

/** Columns of a Job row that transitions write (the store adds `updatedAt`). */
export interface JobPatch {
  state?: JobState;
  folder?: string;
  startedAt?: Date | null;
  finishedAt?: Date | null;
  exitCode?: number | null;
  signal?: string | null;
  cpuSeconds?: number | null;
  peakMemoryKb?: number | null;
  /** GPU use of the run, when nvidia-smi sampled it: peak memory of its devices (MiB), mean utilisation (%). */
  gpuMemPeakMb?: number | null;
  gpuUtilMean?: number | null;
  progress?: number | null;
  pid?: number | null;
  killRequestedAt?: Date | null;
  error?: string | null;
  submittedAt?: Date;
  runToken?: string | null;
  runInfo?: string | null;
  /** Set by retention when it removed (or archived) the folder; the row stays as history. */
  purgedAt?: Date | null;
  /**
   * What the job's info file (or #QM block) says: written at submission, and again when a
   * finished job is resubmitted, since its info file may have been fixed meanwhile.
   */
  owner?: string | null;
  info?: string | null;
  script?: string;
  nbProc?: number;
  nbGpu?: number;
  priority?: number;
  params?: string;
  memMb?: number | null;
  walltimeSeconds?: number | null;
  /** JSON array of lines for the process.log header (lib/server/job-folder.ts). */
  notes?: string | null;
}

/** Every field that belongs to one run: cleared when a job goes back to the queue. */
export const RESET_RUN: Readonly<JobPatch> = Object.freeze({
  startedAt: null,
  finishedAt: null,
  exitCode: null,
  signal: null,
  cpuSeconds: null,
  peakMemoryKb: null,
  gpuMemPeakMb: null,
  gpuUtilMean: null,
  progress: null,
  pid: null,
  killRequestedAt: null,
  error: null,
  runToken: null,
  runInfo: null,
});

export class IllegalTransitionError extends Error {
  constructor(
    readonly action: JobAction,
    readonly from: JobState | null,
    readonly to: JobState,
  ) {
    super(`a job cannot ${action} from ${from ?? "nothing"} to ${to}`);
    this.name = "IllegalTransitionError";
  }
}

/** True when `action` may move a job from `from` (null: a new row) to `to`. */
export function canTransition(action: JobAction, from: JobState | null, to: JobState): boolean {
  const t = TRANSITIONS[action];
  return (t.from as readonly (JobState | null)[]).includes(from) && (t.to as readonly JobState[]).includes(to);
}

/** What the store writes for one transition: the new columns and the history event. */
export interface TransitionPlan {
  action: JobAction;
  from: JobState | null;
  to: JobState;
  patch: JobPatch & { state: JobState };
  event: { kind: string; detail: string | null };
}

/** The event kind an action records (the state entered, or the action's own name). */
function eventKind(action: JobAction, to: JobState): string {
  if (action === "requeue") return "requeued";
  if (action === "release") return "released";
  if (action === "import") return "imported";
  return to;
}

/**
 * Plan a transition: throws IllegalTransitionError when `action` cannot move a job from
 * `from` to `to`. `fields` are the action's own columns (folder, exit code...). A requeue
 * clears the previous run's fields (RESET_RUN) whatever `fields` adds on top.
 */
export function planTransition(action: JobAction, from: JobState | null, to: JobState, fields: JobPatch = {}, detail: string | null = null): TransitionPlan {
  if (!canTransition(action, from, to)) throw new IllegalTransitionError(action, from, to);
  const base: JobPatch = action === "requeue" ? { ...RESET_RUN } : {};
  return { action, from, to, patch: { ...base, ...fields, state: to }, event: { kind: eventKind(action, to), detail } };
}

/**
 * How a run ended, from what the executor reports: the rule in one place. `lost`: the
 * executor lost the run; `cancelled`: stopped from outside QueueManager (Slurm's scancel).
 * A run lost after its kill was asked for is killed: it is gone as asked (and never put
 * back in the queue to run again, whatever Recovery says).
 */
export function endStateOf(exit: { exitCode: number | null; signal: string | null; error?: string | null; killRequested?: boolean; limit?: "timeout" | "oom" | null; lost?: boolean; cancelled?: boolean }): EndState {
  if (exit.lost) return exit.killRequested ? "killed" : "lost";
  if (exit.limit) return exit.limit;
  if (exit.killRequested || exit.cancelled) return "killed";
  return exit.exitCode === 0 && !exit.signal && !exit.error ? "done" : "failed";
}
