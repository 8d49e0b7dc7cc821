/**
 * QMserv.cfg is re-read when it changes (its folder is watched, so editors that write a
 * new file and rename it are seen too). A file that does not parse or check keeps the
 * previous settings running, with a clear error in the log. QM_FOLDER and executor need a
 * restart (lib/core/startup-keys.ts). An Archive_Folder another account could point
 * elsewhere is said at once (the pass itself refuses it).
 */
import fs from "node:fs";
import path from "node:path";
import { type IniDocument, parseIni } from "../lib/core/config-parser";
import { type QmConfig, configWarnings } from "../lib/core/qm-config";
import { keepStartupValues, pendingRestarts } from "../lib/core/startup-keys";
import { parseConfigAgain, readConfigAgain } from "../lib/server/config-reload";
import { type LogInput, toLog } from "../lib/server/logger";
import { archivePlaceNow } from "../lib/server/retention/archive-place";
import { watchFolder } from "./watch";

export interface ConfigWatch {
  current(): QmConfig;
  close(): void;
}

const WATCHED: [string, (c: QmConfig) => unknown][] = [
  ["MaxNbProcessors", (c) => c.maxNbProcessors],
  ["launch_type", (c) => c.launchType],
  ["MailActive", (c) => c.mailActive],
  ["Settle_Time", (c) => c.settleMs],
  ["Kill_Grace", (c) => c.killGraceMs / 1000],
  ["Recovery", (c) => c.recovery],
  ["Failed_Jobs", (c) => c.failedJobs],
  ["Shutdown_Jobs", (c) => c.shutdownJobs],
  ["Debug", (c) => c.debug],
  ["job_file", (c) => c.jobFile],
  ["Strict_Job_File", (c) => c.strictJobFile],
  ["Min_Free_MB", (c) => c.minFreeMb],
  ["Min_Free_Inodes", (c) => c.minFreeInodes],
  // Saved from the admin page, retention said only "QMserv.cfg reloaded": what the next pass removes.
  ["Keep_Days", (c) => c.retention.keepDays],
  ["Keep_Max_GB", (c) => c.retention.maxGb],
  ["Archive_Folder", (c) => c.retention.archiveFolder ?? "(empty)"],
  ["smtp", (c) => `${c.smtp.host}:${c.smtp.port} (${c.smtp.via})`],
  // Each by its own key: "slurm ///2s -> nope///2s" told the administrator nothing.
  ["slurm_partition", (c) => c.slurm.partition || "(empty)"],
  ["slurm_account", (c) => c.slurm.account || "(empty)"],
  ["slurm_sbatch_args", (c) => c.slurm.sbatchArgs.join(" ") || "(empty)"],
  ["slurm_poll_interval", (c) => `${c.slurm.pollMs / 1000} s`],
];

export function watchConfigFile(file: string, initial: QmConfig, logTo: LogInput, onChange: () => void): ConfigWatch {
  // A file the worker cannot use is a warning: the administrator must act on it.
  const log = toLog(logTo, () => false);
  let config = initial;
  let lastText = fs.existsSync(file) ? fs.readFileSync(file, "utf8") : "";
  let timer: NodeJS.Timeout | undefined;

  // Said as soon as the file is read, not only by the pass a day later.
  const warnArchive = (next: QmConfig) => {
    const archive = next.retention.archiveFolder;
    const place = archive ? archivePlaceNow(archive, next.qmFolder, file) : null;
    if (place?.problem) log.warn(`QMserv.cfg: ${place.problem}; the retention pass moves and removes nothing until it is fixed`);
  };
  warnArchive(initial);
  // Read, but likely not as meant (a key written twice): said at start and at each reload.
  const warnFile = (doc: IniDocument) => {
    for (const warning of configWarnings(doc)) log.warn(`QMserv.cfg: ${warning}`);
  };
  try {
    warnFile(parseIni(lastText, "QMserv.cfg"));
  } catch {
    // The worker read it at start: a file that does not parse never gets here.
  }

  const reload = () => {
    let text: string;
    try {
      text = readConfigAgain(file);
    } catch (error) {
      log.warn(`QMserv.cfg cannot be read (${(error as Error).message}); keeping the previous settings`);
      return;
    }
    if (text === lastText) return;
    lastText = text;
    let next: QmConfig;
    let doc: IniDocument;
    try {
      ({ config: next, doc } = parseConfigAgain(file, text, config));
    } catch (error) {
      log.warn(`QMserv.cfg is invalid, keeping the previous settings until it is fixed: ${(error as Error).message}`);
      return;
    }
    for (const key of pendingRestarts(next, config, "worker")) {
      const shown = (value: string) => (value === "" ? "(empty)" : value);
      log.warn(`QMserv.cfg: ${key.key} changed to ${shown(key.inFile)}; restart the worker for that to take effect (still using ${shown(key.inForce)})`);
    }
    next = keepStartupValues(next, config, "worker");
    const changes = WATCHED.filter(([, get]) => get(next) !== get(config)).map(([key, get]) => `${key} ${get(config)} -> ${get(next)}`);
    config = next;
    log.info(`QMserv.cfg reloaded${changes.length ? `: ${changes.join(", ")}` : ""}`);
    warnArchive(next);
    warnFile(doc);
    onChange();
  };

  const unwatch = watchFolder(path.dirname(file), (name) => {
    if (name !== null && name !== path.basename(file)) return;
    clearTimeout(timer);
    timer = setTimeout(reload, 100);
  }, log);

  return {
    current: () => config,
    close() {
      clearTimeout(timer);
      unwatch();
    },
  };
}
