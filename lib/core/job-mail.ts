/** The end-of-job mail to a job's owner: plain text, everything they need at a glance. */
import { formatDuration } from "./format";

export interface JobMailInput {
  id: number;
  name: string;
  state: string;
  info?: string | null;
  exitCode?: number | null;
  signal?: string | null;
  durationMs: number;
  cpuSeconds?: number | null;
  folder: string;
  logTail: string;
  publicUrl: string;
  /** Why it did not run (a cancelled job). */
  reason?: string;
}

const STATUS: Record<string, string> = {
  done: "finished successfully",
  failed: "failed",
  killed: "was killed",
  lost: "was lost",
  invalid: "was rejected",
  cancelled: "was cancelled",
};

export function buildJobMail(m: JobMailInput): { subject: string; text: string } {
  const status = STATUS[m.state] ?? m.state;
  const outcome = m.signal ? `killed by ${m.signal}` : m.exitCode !== null && m.exitCode !== undefined ? `exit code ${m.exitCode}` : "";
  const link = `${m.publicUrl.replace(/\/+$/, "")}/jobs/${m.id}`;
  const text = [
    `Your QueueManager job "${m.name}" ${status}${outcome ? ` (${outcome})` : ""}.`,
    "",
    `Status:   ${m.state}`,
    ...(m.reason ? [`Why:      ${m.reason}`] : []),
    `Duration: ${formatDuration(m.durationMs)}`,
    `CPU time: ${m.cpuSeconds === null || m.cpuSeconds === undefined ? "unknown" : formatDuration(m.cpuSeconds * 1000)}`,
    ...(m.info ? [`Info:     ${m.info}`] : []),
    `Folder:   ${m.folder}`,
    `Details:  ${link}`,
    "",
    ...(m.state === "cancelled" ? ["It did not run."] : ["Last lines of process.log:", ...m.logTail.split("\n").map((l) => `  ${l}`)]),
    "",
  ].join("\n");
  return { subject: `[QM] ${m.name}: ${status}`, text };
}

/** The last `count` lines of a log text (without a trailing empty line). */
export function lastLines(text: string, count = 20): string {
  const lines = text.replace(/\n$/, "").split("\n");
  return lines.slice(-count).join("\n");
}
