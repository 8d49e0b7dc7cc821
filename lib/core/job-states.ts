/** Job states (docs/protocol.md) and the groups the UI and API use. */
export const JOB_STATES = ["queued", "running", "done", "failed", "killed", "invalid", "lost", "deleted"] as const;
export type JobState = (typeof JOB_STATES)[number];

/** States of a job that has ended: it can be requeued or deleted. */
export const FINISHED_STATES = ["done", "failed", "killed", "invalid", "lost"] as const;
export type FinishedState = (typeof FINISHED_STATES)[number];

export function isFinishedState(state: string): state is FinishedState {
  return (FINISHED_STATES as readonly string[]).includes(state);
}

/** Text files shown inline in the file browser; everything else is downloaded. */
export const TEXT_EXTENSIONS = ["log", "cfg", "txt", "xml", "py", "sh", "csv", "tsv", "json", "md", "ini", "out", "err", "yaml", "yml"];

export function isTextFileName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && TEXT_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}
