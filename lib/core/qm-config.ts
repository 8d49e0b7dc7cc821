/**
 * QMserv.cfg: the typed configuration both programs use, built from a parsed file and
 * checked key by key against config-keys.ts; and the default file. Unknown keys and
 * sections are left alone.
 */
import { AppError } from "./app-error";
import { type IniDocument, conflictingEntries, iniEntries, iniSections, parseIniBoolean, pythonSection } from "./config-parser";
import { parseCpuList } from "./cpu-sets";
import { type GpuListSetting, parseGpuList } from "./gpu-sets";
import { parseRangeList } from "./ip-address";
import type { ArchivePlaces } from "./archive-folder-check";
import { opsKeyProblems, readOpsKeys } from "./ops-keys";
import { KNOWN_KEYS, checkValue, findKeySpec } from "./config-keys";
import { parseMem, parseWalltime } from "./job-limits";
import { type MailEnv, type SmtpSettings, resolveSmtp } from "./mail-settings";
import { parseSbatchArgs } from "./sbatch-args";

const S = "QMServer" as const;
const W = "WEB_QMserver" as const;

/** The typed settings both programs use. */
export interface QmConfig {
  qmFolder: string;
  maxNbProcessors: number;
  launchType: "blocking" | "non-blocking";
  jobFile: string;
  strictJobFile: boolean;
  mailActive: boolean;
  settleMs: number;
  killGraceMs: number;
  recovery: "lost" | "requeue";
  /** Finished jobs' folders: removed after keepDays (0: never) or beyond maxGb (0: no ceiling), archived when archiveFolder is set. */
  retention: { keepDays: number; maxGb: number; archiveFolder: string | null };
  /** Min_Free_MB: below this much free space on QM_FOLDER's disk, uploads and new starts wait (0: no check). */
  minFreeMb: number;
  /** Min_Free_Inodes: below this many free inodes on QM_FOLDER's disk, uploads and new starts wait too (0: no check). */
  minFreeInodes: number;
  shutdownJobs: "keep" | "requeue";
  /** Failed_Jobs: where failed, killed, timed-out and out-of-memory jobs go. */
  failedJobs: "QM_lost+found" | "QM_dJobs";
  /** Worker crashes in a row a run may live through; at this many it is quarantined (0: never). */
  quarantineAfter: number;
  /** Uid range of job identities when the worker is root, as written (61000-61999). */
  jobUids: string;
  /** owner=account pairs, as written. */
  runAs: string;
  /** How runs are confined, the CPUs jobs may use (null: all), and the memory and walltime defaults and caps. */
  limits: {
    mode: "auto" | "cgroup2" | "cgroup1" | "none";
    cpuList: number[] | null;
    defaultMemMb: number | null;
    maxMemMb: number | null;
    defaultWalltimeSeconds: number | null;
    maxWalltimeSeconds: number | null;
  };
  /** GPU_List: the GPUs jobs may be given ([]: none; auto: detected by the worker at start). */
  gpuList: GpuListSetting;
  /** Fair_Share: order equal priorities by recent CPU use; window in hours. */
  fairShare: { on: boolean; windowHours: number };
  /** Max_User_Priority: the highest priority a job may have unless an administrator gives it (lib/core/priority-limit.ts). */
  maxUserPriority: number;
  /** The SMTP server in effect (smtp_* keys, or QM 0.4's Gmail keys; see mail-settings.ts). */
  smtp: SmtpSettings;
  debug: boolean;
  /** Where jobs run; a change needs a worker restart. */
  executor: "local" | "slurm";
  slurm: { partition: string; account: string; sbatchArgs: string[]; pollMs: number };
  web: {
    host: string;
    port: number;
    licenceToKill: boolean;
    deleteJobs: boolean;
    refreshRate: number;
    displayDetails: boolean;
    /** Who may read /api/metrics: the bearer token (empty: none) or these address ranges. */
    metrics: { token: string; allow: string[] };
    maxUploadMb: number;
    /** Most bytes one zip download may read (Max_Zip_MB). */
    maxZipMb: number;
    /** Trusted_Proxies: the entries (addresses or CIDR ranges) as written, checked. */
    trustedProxies: string[];
    requireLogin: "auto" | "yes" | "no";
    /** Trusted_Proxy_Users: the accounts a proxy on this machine runs as (names). */
    trustedProxyUsers: string[];
    /** Trusted_User_Header, lower-cased; "" when off. */
    trustedUserHeader: string;
    debug: boolean;
  };
}

/**
 * Build the typed configuration. `resolvePath` turns QM_FOLDER into an absolute path
 * (relative to the file's folder); `mailEnv` holds QM 0.4's environment fallbacks for
 * the mail keys; `places` where the service keeps its own data and where paths really lead
 * (Archive_Folder is checked against both). Throws AppError(INVALID_INPUT) naming every bad key.
 */
export function readQmConfig(doc: IniDocument, resolvePath: (p: string) => string, mailEnv: MailEnv = {}, places: ArchivePlaces = {}): QmConfig {
  const sections = iniSections(doc);
  const errors: Record<string, string> = {};
  // Section names are compared as written, as Python did: a [qmserver] would be ignored whole.
  for (const name of sections.keys()) {
    const meant = [S, W].find((known) => known.toLowerCase() === name.toLowerCase().trim());
    if (meant && meant !== name) errors[meant] = `the section [${name}] is read only when spelt [${meant}]; rename it`;
  }
  // As Python's ConfigParser read QMserv.cfg for QM 0.4: [DEFAULT]'s keys count in every
  // section that does not set them, and values are interpolated (`%(root)s/QM`, `%%`).
  const read = new Map([S, W].map((name) => [name, pythonSection(sections, name)]));
  const raw = (section: typeof S | typeof W, key: string): string => {
    const spec = findKeySpec(section, key)!;
    const value = read.get(section)!.get(key.toLowerCase()) ?? spec.default;
    const problem = checkValue(spec, value);
    if (problem) errors[`${section}.${key}`] = problem;
    return problem ? spec.default : value.trim();
  };
  const int = (s: typeof S | typeof W, k: string) => Number(raw(s, k));
  /** An optional value read by `read` (empty: null); a problem is reported like any other key's. */
  const optional = <T>(s: typeof S | typeof W, k: string, read: (v: string) => { value: T } | { error: string }): T | null => {
    const text = raw(s, k);
    if (!text) return null;
    const result = read(text);
    if ("error" in result) {
      errors[`${s}.${k}`] = result.error;
      return null;
    }
    return result.value;
  };
  const mbOf = (r: { mb: number } | { error: string }) => ("error" in r ? r : { value: r.mb });
  const secondsOf = (r: { seconds: number } | { error: string }) => ("error" in r ? r : { value: r.seconds });
  const bool = (s: typeof S | typeof W, k: string) => parseIniBoolean(raw(s, k)) ?? false;
  /** A key's value when it is written and not empty. */
  const given = (s: typeof S | typeof W, ...keys: string[]) => keys.map((k) => raw(s, k)).find((v) => v !== "") || undefined;
  const inFile = (s: typeof S | typeof W, k: string) => read.get(s)!.has(k.toLowerCase());

  const ops = readOpsKeys(raw, resolvePath);
  const config: QmConfig = {
    qmFolder: resolvePath(raw(S, "QM_FOLDER")),
    maxNbProcessors: int(S, "MaxNbProcessors"),
    launchType: raw(S, "launch_type") as QmConfig["launchType"],
    jobFile: raw(S, "job_file"),
    strictJobFile: bool(S, "Strict_Job_File"),
    mailActive: bool(S, "MailActive"),
    settleMs: int(S, "Settle_Time"),
    killGraceMs: int(S, "Kill_Grace") * 1000,
    recovery: raw(S, "Recovery") as QmConfig["recovery"],
    retention: ops.retention,
    minFreeMb: ops.minFreeMb,
    minFreeInodes: ops.minFreeInodes,
    shutdownJobs: raw(S, "Shutdown_Jobs") as QmConfig["shutdownJobs"],
    failedJobs: raw(S, "Failed_Jobs") as QmConfig["failedJobs"],
    smtp: resolveSmtp(
      {
        smtpHost: given(S, "smtp_host"),
        smtpPort: int(S, "smtp_port"),
        smtpSecure: bool(S, "smtp_secure"),
        smtpUser: raw(S, "smtp_user"),
        smtpPassword: raw(S, "smtp_password"),
        mailFrom: inFile(S, "mail_from") ? given(S, "mail_from") : undefined,
        mailSender: given(S, "MailSender", "SendMail"),
        mailSecretKey: given(S, "MailSecretKey", "SecKey"),
      },
      mailEnv,
    ),
    quarantineAfter: int(S, "Quarantine_After"),
    jobUids: raw(S, "Job_Uids"),
    runAs: raw(S, "Run_As"),
    limits: {
      mode: raw(S, "Limits") as QmConfig["limits"]["mode"],
      cpuList: optional<number[]>(S, "CPU_List", (v) => {
        try {
          return { value: parseCpuList(v) };
        } catch (error) {
          return { error: `CPU_List: ${(error as Error).message}` };
        }
      }),
      defaultMemMb: optional(S, "Default_Mem", (v) => mbOf(parseMem(v))),
      maxMemMb: optional(S, "Max_Mem", (v) => mbOf(parseMem(v))),
      defaultWalltimeSeconds: optional(S, "Default_Walltime", (v) => secondsOf(parseWalltime(v))),
      maxWalltimeSeconds: optional(S, "Max_Walltime", (v) => secondsOf(parseWalltime(v))),
    },
    gpuList: optional<GpuListSetting>(S, "GPU_List", (v) => {
      try {
        return { value: parseGpuList(v) };
      } catch (error) {
        return { error: `GPU_List: ${(error as Error).message} or auto` };
      }
    }) ?? [],
    fairShare: { on: bool(S, "Fair_Share"), windowHours: int(S, "Fair_Share_Window") },
    maxUserPriority: int(S, "Max_User_Priority"),
    debug: bool(S, "Debug"),
    executor: raw(S, "executor") as QmConfig["executor"],
    slurm: { partition: raw(S, "slurm_partition"), account: raw(S, "slurm_account"), sbatchArgs: sbatchArgs(raw(S, "slurm_sbatch_args"), errors), pollMs: int(S, "slurm_poll_interval") * 1000 },
    web: {
      host: raw(W, "Host"),
      port: int(W, "The_Port"),
      licenceToKill: bool(W, "Licence_to_kill"),
      deleteJobs: bool(W, "Delete_Jobs"),
      refreshRate: int(W, "Refresh_Rate"),
      displayDetails: bool(W, "Display_details"),
      metrics: ops.metrics,
      maxUploadMb: int(W, "Max_Upload_MB"),
      maxZipMb: int(W, "Max_Zip_MB"),
      trustedProxies: raw(W, "Trusted_Proxies").split(/[\s,]+/).filter(Boolean),
      requireLogin: raw(W, "Require_Login") as QmConfig["web"]["requireLogin"],
      trustedProxyUsers: raw(W, "Trusted_Proxy_Users").split(/[\s,]+/).filter(Boolean),
      trustedUserHeader: raw(W, "Trusted_User_Header").toLowerCase(),
      debug: bool(W, "Debug"),
    },
  };
  const { invalid } = parseRangeList(config.web.trustedProxies.join(","));
  if (invalid.length) {
    errors["WEB_QMserver.Trusted_Proxies"] = `Trusted_Proxies must list IP addresses or CIDR ranges such as 10.0.0.0/8; not: ${invalid.join(", ")}`;
  }
  for (const problem of opsKeyProblems(config, raw, places)) errors[problem.key] = problem.message;
  if (config.web.trustedUserHeader && !/^[a-z0-9-]+$/.test(config.web.trustedUserHeader)) {
    errors["WEB_QMserver.Trusted_User_Header"] = "Trusted_User_Header must be a header name such as X-Remote-User";
  }
  if (!/^[^/\\]+\.(cfg|xml)$/i.test(config.jobFile)) {
    errors["QMServer.job_file"] = "job_file must be a file name ending in .cfg or .xml";
  }
  if (Object.keys(errors).length) {
    throw new AppError("INVALID_INPUT", `QMserv.cfg: ${Object.values(errors).join("; ")}`, errors);
  }
  return config;
}

/**
 * What in QMserv.cfg is read but likely not as meant: a key set more than once in a section
 * with different values. The last one counts, as Python 2's ConfigParser read it for QM
 * 0.1-0.2 (such files keep working; QM 0.4's Python 3 parser refused them), but a key added at
 * the top of the generated file, which lists every key, would silently do nothing: both
 * programs log this and the admin page shows it.
 */
export function configWarnings(doc: IniDocument): string[] {
  const twice = [S, W].flatMap((section) =>
    conflictingEntries(doc, section).map((entries) => {
      const key = findKeySpec(section, entries[0].key)?.key ?? entries[0].key;
      const where = entries.map((e) => `line ${e.line}: ${JSON.stringify(e.value)}`).join(", ");
      return `${key} is set ${entries.length} times in [${section}] with different values (${where}); the last one counts: keep one`;
    }),
  );
  return [...twice, ...unknownKeyWarnings(doc)];
}

/**
 * Keys of [QMServer] and [WEB_QMserver] that neither QueueManager nor QM 0.4 reads: kept as
 * they are, but a misspelt one (`MaxNbProcesors = 8`) silently leaves the default in force,
 * so each is named, with the known key it is closest to.
 */
function unknownKeyWarnings(doc: IniDocument): string[] {
  return [S, W].flatMap((section) => {
    const seen = new Set<string>();
    return iniEntries(doc, section)
      .filter((e) => !findKeySpec(section, e.key) && !seen.has(e.name) && seen.add(e.name))
      .map((e) => {
        const near = closestKnownKey(section, e.name);
        return `${e.key} (line ${e.line}) in [${section}] is not a key QueueManager reads${near ? `: did you mean ${near}?` : ""} (kept as it is)`;
      });
  });
}

/** The known key of `section` within two edits of `name` (a typo), if one is. */
function closestKnownKey(section: string, name: string): string | null {
  let best: { key: string; distance: number } | null = null;
  for (const spec of KNOWN_KEYS) {
    if (spec.section !== section) continue;
    const distance = editDistance(name, spec.key.toLowerCase());
    if (distance <= 2 && (!best || distance < best.distance)) best = { key: spec.key, distance };
  }
  return best?.key ?? null;
}

/** Levenshtein distance: the fewest letters added, removed or changed to make `a` into `b`. */
function editDistance(a: string, b: string): number {
  let row = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j] + 1, next[j - 1] + 1, row[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return row[b.length];
}

function sbatchArgs(text: string, errors: Record<string, string>): string[] {
  try {
    return parseSbatchArgs(text);
  } catch (error) {
    errors["QMServer.slurm_sbatch_args"] = `slurm_sbatch_args: ${(error as Error).message}`;
    return [];
  }
}

/** The commented QMserv.cfg written when none exists. */
export function defaultConfigText(qmFolder: string): string {
  const out = [
    "# QueueManager configuration (Python ConfigParser syntax: `key = value` or `key : value`).",
    "# The original QM keys keep their meaning; comments like %integer% %min:1% give the",
    "# type and bounds the admin page uses. Changes are picked up without a restart, except",
    "# QM_FOLDER (restart both programs), Host and The_Port (restart the web server), executor,",
    "# Job_Uids, Run_As, Limits, CPU_List and GPU_List (restart the worker).",
  ];
  for (const section of [S, W]) {
    out.push("", `[${section}]`);
    for (const spec of KNOWN_KEYS.filter((k) => k.section === section && !k.legacy)) {
      const tags = [
        spec.type === "choice" ? `%choice:${spec.choices!.join("|")}%` : `%${spec.type}%`,
        spec.min !== undefined ? `%min:${spec.min}%` : "",
        spec.max !== undefined ? `%max:${spec.max}%` : "",
      ].filter(Boolean);
      out.push(`# ${spec.help}  ${tags.join(" ")}`);
      out.push(`${spec.key} = ${spec.key === "QM_FOLDER" ? qmFolder : (spec.written ?? spec.default)}`.trimEnd());
    }
  }
  return `${out.join("\n")}\n`;
}
