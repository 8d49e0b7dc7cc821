/**
 * History import: the folders already in QM_dJobs and QM_lost+found (a QM installation we
 * replace, or ours after a database loss) become finished jobs, marked imported, with what
 * their info file and process.log say (lib/core/qm-history.ts). Folders stay where they are.
 *
 * Idempotent: a folder some job row already names is skipped, so running it again adds
 * nothing. Folders that QueueManager itself moved there in the last minute are left
 * alone too: the worker moves a folder first and records it just after.
 */
import fs from "node:fs";
import path from "node:path";
import { decodeInfoFile } from "../../core/info-file-text";
import { MAX_INFO_BYTES, parseJobInfo } from "../../core/job-info";
import { planTransition } from "../../core/job-lifecycle";
import { LOG_FILE } from "../../core/job-log";
import { parseProgress } from "../../core/progress";
import { type FolderFacts, type ImportReport, historicOutcome, parseHistoricName } from "../../core/qm-history";
import { fileMtime, readHistoricLog } from "./historic-log";

export type { ImportReport } from "../../core/qm-history";
import { describingFileOfNotes, findJobDescription } from "../job-folder";
import { type QmLayout, relFolder } from "../qm-folders";
import { readTailBytes } from "../read-tail";
import { renameUndecodableEntries } from "../undecodable-names";
import type { JobStore } from "../store/job-store";

/** Folders younger than this, named by our own stamp, are the worker's to record. */
export const IN_FLIGHT_MS = 60_000;

/** A folder whose name is not UTF-8 is renamed for its import once unchanged this long (a copy may be writing into it). */
const UNDECODABLE_SETTLED_MS = 10_000;

export interface ImportDeps {
  store: JobStore;
  layout: QmLayout;
  /** `job_file` from QMserv.cfg. */
  jobFile: string;
  now?: Date;
  /**
   * No worker of this database can have a folder in flight (its Job table is empty, as at
   * the first start on a new database): our own fresh folders are imported too.
   */
  noneInFlight?: boolean;
}

let running: Promise<ImportReport> | null = null;

/** Import what is new; a second call while one runs waits for it instead of importing twice. */
export function importHistory(deps: ImportDeps): Promise<ImportReport> {
  running ??= runImport(deps).finally(() => (running = null));
  return running;
}

async function runImport(deps: ImportDeps): Promise<ImportReport> {
  const now = deps.now ?? new Date();
  const report: ImportReport = { at: now.toISOString(), imported: 0, known: 0, waiting: 0, ids: [], problems: [] };
  const known = new Set((await deps.store.sql.all<{ folder: string }>(`SELECT "folder" FROM "Job"`)).map((r) => r.folder));
  for (const queue of ["done", "lost"] as const) {
    // A name that is not UTF-8 (QM 0.4's Latin-1) names nothing in Node: such a folder is renamed first.
    const names = await renameUndecodableEntries(deps.layout[queue], UNDECODABLE_SETTLED_MS, now.getTime());
    for (const r of names.renamed) (report.renamed ??= []).push(`${relFolder(queue, r.from)} -> ${relFolder(queue, r.to)}`);
    for (const f of names.failed) report.problems.push(`${relFolder(queue, f.name)}: its name is not UTF-8 and it cannot be renamed (${f.why}); rename it, then import again`);
    for (const name of names.unsettled) report.problems.push(`${relFolder(queue, name)}: its name is not UTF-8 and it is still being written; it is renamed and imported once it has not changed for ${UNDECODABLE_SETTLED_MS / 1000} s (import again then)`);
    for (const entry of listFolders(deps.layout[queue])) {
      const folder = relFolder(queue, entry.name);
      if (known.has(folder)) {
        report.known += 1;
        continue;
      }
      const name = parseHistoricName(entry.name);
      if (!deps.noneInFlight && name.style === "ours" && name.stampedAt && now.getTime() - name.stampedAt.getTime() < IN_FLIGHT_MS) {
        report.waiting = (report.waiting ?? 0) + 1; // counted, or the page says nothing of it
        continue;
      }
      try {
        const id = await importFolder(deps, queue, path.join(deps.layout[queue], entry.name), folder, entry.mtime);
        if (report.ids.length < 100) report.ids.push(id);
        report.imported += 1;
      } catch (error) {
        report.problems.push(`${folder}: ${(error as Error).message}`);
      }
    }
  }
  return report;
}

function listFolders(dir: string): { name: string; mtime: Date }[] {
  const out: { name: string; mtime: Date }[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!entry.isDirectory() || entry.name.startsWith(".")) continue;
    try {
      out.push({ name: entry.name, mtime: fs.statSync(path.join(dir, entry.name)).mtime });
    } catch {
      // gone meanwhile, or a name that is not UTF-8 still being written (reported above)
    }
  }
  return out.sort((a, b) => a.mtime.getTime() - b.mtime.getTime() || a.name.localeCompare(b.name));
}

async function importFolder(deps: ImportDeps, queue: "done" | "lost", dir: string, folder: string, folderMtime: Date): Promise<number> {
  const { file: infoFile, notes } = infoFileOf(dir, deps.jobFile);
  const infoPath = path.join(dir, infoFile);
  const logPath = path.join(dir, LOG_FILE);
  const infoText = decodeInfoFile(infoFile, readTailBytes(infoPath, MAX_INFO_BYTES));
  let info: ReturnType<typeof parseJobInfo> | null = null;
  let infoProblem: string | null = null;
  try {
    info = infoText ? parseJobInfo(infoFile, infoText) : null;
    if (!info) infoProblem = `no ${deps.jobFile}`;
  } catch (error) {
    infoProblem = (error as Error).message;
  }
  const { text: logText, facts: logFacts } = readHistoricLog(dir);
  const facts: FolderFacts = {
    queue,
    name: parseHistoricName(path.basename(dir)),
    log: logFacts,
    infoMtime: fileMtime(infoPath),
    lastWrite: fileMtime(logPath) ?? folderMtime,
  };
  const outcome = historicOutcome(facts);
  const detail = `imported from ${folder}${infoProblem ? ` (${infoProblem})` : ""}`;
  const plan = planTransition("import", null, outcome.state, {
    submittedAt: outcome.submittedAt, startedAt: outcome.startedAt, finishedAt: outcome.finishedAt, exitCode: outcome.exitCode, signal: outcome.signal,
    // How far a job that did not finish got, by its last `processing N / M` line.
    progress: outcome.state === "done" ? 100 : parseProgress(logText),
  }, detail);
  return deps.store.createJob(
    {
      name: facts.name.name, owner: info?.owner ?? null, info: info?.info ?? null, script: info?.script ?? "", nbProc: info?.nbProc ?? 1,
      priority: info?.priority ?? 0, params: JSON.stringify(info?.params ?? {}), folder, source: "import", imported: true,
      // Which file described it, when not job_file: the web hides that one too (Display_details).
      notes: notes.length ? JSON.stringify(notes) : null,
    },
    plan,
  );
}

/**
 * The info file the queue would read (job_file, else the other kind: a folder from before
 * job_file was changed between infos.xml and proc_config.cfg); job_file when there is none.
 * With the notes that reading leaves (which other file described the job).
 */
function infoFileOf(dir: string, jobFile: string): { file: string; notes: string[] } {
  try {
    const description = findJobDescription(dir, { jobFile, strict: false });
    // Only the note naming that file: the others speak of a run to come (ignored #QM lines).
    const naming = description.notes.filter((note) => describingFileOfNotes([note]) !== null);
    return description.kind === "info" ? { file: description.file, notes: naming } : { file: jobFile, notes: [] };
  } catch {
    return { file: jobFile, notes: [] };
  }
}
