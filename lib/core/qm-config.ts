/**
 * QMserv.cfg: the keys both programs read, their types and defaults, and the typed
 * configuration built from a parsed file. Unknown keys and sections are left alone.
 */
import { AppError } from "./app-error";
import { type IniDocument, iniSections, parseIniBoolean } from "./config-parser";
import { parseCpuList } from "./cpu-sets";
import { type GpuListSetting, parseGpuList } from "./gpu-sets";
import { parseRangeList } from "./ip-address";
import { OPS_SERVER_KEYS, OPS_WEB_KEYS, opsKeyProblems, readOpsKeys } from "./ops-keys";
import { parseMem, parseWalltime } from "./job-limits";
import { type MailEnv, type SmtpSettings, resolveSmtp } from "./mail-settings";
import { parseSbatchArgs } from "./sbatch-args";

export type KeyType = "integer" | "boolean" | "choice" | "path" | "text" | "secret";

/** What the admin form and the validator know about one key. */
export interface KeySpec {
  section: "QMServer" | "WEB_QMserver";
  key: string;
  type: KeyType;
  default: string;
  min?: number;
  max?: number;
  choices?: string[];
  help: string;
  /**
   * The value written in a new QMserv.cfg when it differs from `default`, the value an
   * absent key means: an existing QM file keeps QM's behaviour, a new file gets ours.
   */
  written?: string;
  /** An older spelling that QueueManager still reads but never writes (SendMail, SecKey). */
  legacy?: true;
  /**
   * Which program reads the key only when it starts: a change is saved at once but takes
   * effect at that program's next start (the admin page says so).
   */
  restart?: "web" | "worker" | "web and worker";
}

const S = "QMServer" as const;
const W = "WEB_QMserver" as const;

/** Every key QueueManager reads, in the order of the default file. */
export const KNOWN_KEYS: KeySpec[] = [
  { section: S, key: "QM_FOLDER", type: "path", default: "data/QM", restart: "web and worker", help: "folder holding QM_qJobs, QM_Jobs, QM_dJobs and QM_lost+found (relative to this file); both programs keep the folder they started with until restarted" },
  { section: S, key: "MaxNbProcessors", type: "integer", default: "2", min: 1, help: "processors shared by running jobs; a job asking for more is clamped to this" },
  { section: S, key: "launch_type", type: "choice", default: "blocking", written: "non-blocking", choices: ["blocking", "non-blocking"], help: "blocking: one job at a time (also what a QM 0.2 file without this key means); non-blocking: jobs run side by side within MaxNbProcessors" },
  { section: S, key: "job_file", type: "text", default: "proc_config.cfg", help: "name of the info file in each job folder (.cfg or .xml); a job without it may hold the other kind or a #QM script" },
  { section: S, key: "Strict_Job_File", type: "boolean", default: "False", help: "True: only the job_file is read, as the original QM did (no other info file, no #QM script)" },
  { section: S, key: "MailActive", type: "boolean", default: "False", help: "mail the job's owner (e_mail) when a job ends" },
  { section: S, key: "Settle_Time", type: "integer", default: "2000", min: 0, max: 600000, help: "milliseconds a copied job folder must stay unchanged before it starts (folders moved in whole start at once)" },
  { section: S, key: "Kill_Grace", type: "integer", default: "5", min: 0, max: 3600, help: "seconds between SIGTERM and SIGKILL when a job is killed" },
  { section: S, key: "Failed_Jobs", type: "choice", default: "QM_dJobs", written: "QM_lost+found", choices: ["QM_lost+found", "QM_dJobs"], help: "where failed, killed and timed-out jobs go (QM 0.4 put them in QM_dJobs, which is what an absent key means); the state is in the database and process.log either way" },
  { section: S, key: "Recovery", type: "choice", default: "lost", choices: ["lost", "requeue"], help: "jobs whose run was lost while no worker watched (its processes gone, no exit record): lost, or run again" },
  ...OPS_SERVER_KEYS,
  { section: S, key: "Job_Uids", type: "text", default: "61000-61999", help: "when the worker runs as root, each job runs as a uid of this range that no account uses and no other running job holds" },
  { section: S, key: "Run_As", type: "text", default: "", help: "jobs of these people run as their own Unix account: name=account, comma-separated (e.g. ann=ann, bob@lab.org=bob); an account's jobs by user name or account e-mail, a folder dropped in QM_qJobs by its e_mail" },
  { section: S, key: "Limits", type: "choice", default: "auto", choices: ["auto", "cgroup2", "cgroup1", "none"], help: "how jobs are held to their CPUs and memory: control groups v2 or v1, or none (CPU affinity and an rlimit); auto picks the best available (needs root)" },
  { section: S, key: "CPU_List", type: "text", default: "", help: "CPUs jobs may use, e.g. 0-15 or 2-7,10 (empty: all); each running job is pinned to its own nb_proc of them" },
  { section: S, key: "GPU_List", type: "text", default: "", restart: "worker", help: "GPUs jobs may be given, e.g. 0,1,2,3 (nvidia-smi's indices); auto: those nvidia-smi -L lists at the worker's start; empty: none. Each job gets its own nb_gpu of them, never shared; with executor = slurm, unused: nb_gpu is asked as --gres=gpu:N (docs/gpus.md)" },
  { section: S, key: "Default_Mem", type: "text", default: "", help: "memory limit of a job that gives no mem, e.g. 4G (empty: none)" },
  { section: S, key: "Max_Mem", type: "text", default: "", help: "largest memory limit a job gets; a job asking for more is capped (empty: no cap)" },
  { section: S, key: "Default_Walltime", type: "text", default: "", help: "walltime of a job that gives none, as Slurm's --time: MM, HH:MM:SS or D-HH:MM:SS (empty: none)" },
  { section: S, key: "Max_Walltime", type: "text", default: "", help: "longest walltime a job gets; a job asking for more is capped (empty: no cap)" },
  { section: S, key: "Quarantine_After", type: "integer", default: "2", min: 0, max: 100, help: "a job still running after this many worker crashes in a row is stopped and ended lost (it may be what kills the worker); 0: never" },
  { section: S, key: "Shutdown_Jobs", type: "choice", default: "keep", choices: ["keep", "requeue"], help: "when the worker stops: keep running jobs running (the next worker adopts them), or stop them and put them back in the queue" },
  { section: S, key: "Fair_Share", type: "boolean", default: "False", help: "among queued jobs of equal priority, the owner who used the fewest CPU-seconds recently goes first (docs/queue-control.md)" },
  { section: S, key: "Fair_Share_Window", type: "integer", default: "24", min: 1, max: 8760, help: "hours of use that fair share counts" },
  { section: S, key: "MailSender", type: "text", default: "", help: "QM 0.4's Gmail sender: with no smtp_host, mails go through smtp.gmail.com (TLS, port 465) logged in as this address; empty: the MailSender environment variable" },
  { section: S, key: "MailSecretKey", type: "secret", default: "", help: "the Gmail app password of MailSender (never shown in the web page); empty: the MailSecretKey environment variable" },
  { section: S, key: "SendMail", type: "text", default: "", legacy: true, help: "older spelling of MailSender (QM 0.4 forks)" },
  { section: S, key: "SecKey", type: "secret", default: "", legacy: true, help: "older spelling of MailSecretKey (QM 0.4 forks)" },
  { section: S, key: "smtp_host", type: "text", default: "", help: "SMTP server for mails; empty: smtp.gmail.com when MailSender is set, else localhost" },
  { section: S, key: "smtp_port", type: "integer", default: "25", min: 1, max: 65535, help: "SMTP port" },
  { section: S, key: "smtp_secure", type: "boolean", default: "False", help: "use TLS from the start (port 465); otherwise STARTTLS when offered" },
  { section: S, key: "smtp_user", type: "text", default: "", help: "SMTP user name (empty: no authentication)" },
  { section: S, key: "smtp_password", type: "secret", default: "", help: "SMTP password (never shown in the web page)" },
  { section: S, key: "mail_from", type: "text", default: "QueueManager <qm@localhost>", help: "sender of the mails (with the Gmail keys: MailSender when absent)" },
  { section: S, key: "Debug", type: "boolean", default: "False", help: "verbose worker log" },
  { section: S, key: "executor", type: "choice", default: "local", choices: ["local", "slurm"], restart: "worker", help: "where jobs run: local (this machine, within MaxNbProcessors) or slurm (submitted with sbatch; QM_FOLDER must be on a filesystem the nodes share; the worker keeps the executor it started with until restarted)" },
  { section: S, key: "slurm_partition", type: "text", default: "", help: "Slurm partition of the jobs (empty: the cluster's default)" },
  { section: S, key: "slurm_account", type: "text", default: "", help: "Slurm account the jobs are charged to (empty: your default account)" },
  { section: S, key: "slurm_sbatch_args", type: "text", default: "", help: "more sbatch options for every job, as on a command line: --qos=long --constraint=avx2" },
  { section: S, key: "slurm_poll_interval", type: "integer", default: "5", min: 1, max: 600, help: "seconds between two looks at the Slurm queue (one squeue for all jobs)" },
  { section: W, key: "Host", type: "text", default: "localhost", restart: "web", help: "name or address the web page is served on; localhost: this machine only, 0.0.0.0: every network of this machine" },
  { section: W, key: "The_Port", type: "integer", default: "8000", min: 1024, max: 65535, restart: "web", help: "port of the web page (1024 or more; for port 80 or 443 put a reverse proxy in front)" },
  { section: W, key: "Licence_to_kill", type: "boolean", default: "True", help: "allow the administrator to kill running jobs" },
  { section: W, key: "Delete_Jobs", type: "boolean", default: "True", help: "allow the administrator to delete queued and finished jobs" },
  { section: W, key: "Refresh_Rate", type: "integer", default: "2", min: 1, max: 3600, help: "seconds between updates of the pages" },
  { section: W, key: "Display_details", type: "boolean", default: "True", help: "show info, owner and script of jobs to everyone" },
  ...OPS_WEB_KEYS,
  { section: W, key: "Max_Upload_MB", type: "integer", default: "2048", min: 1, max: 1048576, help: "largest zipped job accepted by the upload form, in MB" },
  { section: W, key: "Max_Zip_MB", type: "integer", default: "20480", min: 1, max: 16777216, help: "most a job folder may hold to be downloaded as one zip, in MB (a bigger one is downloaded file by file)" },
  { section: W, key: "Trusted_Proxies", type: "text", default: "", help: "addresses or CIDR ranges of reverse proxies in front of QueueManager, comma-separated; only their X-Forwarded-For is believed, and only they may sign users in with Trusted_User_Header (empty: the connection's address is the client's)" },
  { section: W, key: "Trusted_User_Header", type: "text", default: "", help: "header a reverse proxy sets to the signed-in user name (e.g. X-Remote-User, for LDAP/SSO in Apache or nginx); honoured only from Trusted_Proxies; empty: off" },
  { section: W, key: "Require_Login", type: "choice", default: "auto", choices: ["auto", "yes", "no"], help: "who must log in (docs/web-auth.md): yes: for everything; no: only to act on jobs; auto: like no when Host is localhost, otherwise viewing is open and submitting needs a login" },
  { section: W, key: "Debug", type: "boolean", default: "False", help: "verbose web server log" },
];

export function findKeySpec(section: string, key: string): KeySpec | undefined {
  return KNOWN_KEYS.find((k) => k.section === section && k.key.toLowerCase() === key.toLowerCase());
}

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
    /** Trusted_User_Header, lower-cased; "" when off. */
    trustedUserHeader: string;
    debug: boolean;
  };
}

/** Check one value against its spec; returns a message for the form, or null. */
export function checkValue(spec: KeySpec, value: string): string | null {
  const v = value.trim();
  switch (spec.type) {
    case "integer": {
      if (!/^-?\d+$/.test(v)) return `${spec.key} must be a whole number`;
      const n = Number(v);
      if (spec.min !== undefined && n < spec.min) return `${spec.key} must be at least ${spec.min}`;
      if (spec.max !== undefined && n > spec.max) return `${spec.key} must be at most ${spec.max}`;
      return null;
    }
    case "boolean":
      return parseIniBoolean(v) === undefined ? `${spec.key} must be True or False` : null;
    case "choice":
      return spec.choices && !spec.choices.includes(v) ? `${spec.key} must be one of: ${spec.choices.join(", ")}` : null;
    case "path":
      return v === "" ? `${spec.key} must not be empty` : null;
    default:
      return null;
  }
}

/**
 * Build the typed configuration. `resolvePath` turns QM_FOLDER into an absolute path
 * (relative to the file's folder); `mailEnv` holds QM 0.4's environment fallbacks for
 * the mail keys. Throws AppError(INVALID_INPUT) naming every bad key.
 */
export function readQmConfig(doc: IniDocument, resolvePath: (p: string) => string, mailEnv: MailEnv = {}): QmConfig {
  const sections = iniSections(doc);
  const errors: Record<string, string> = {};
  const raw = (section: typeof S | typeof W, key: string): string => {
    const spec = findKeySpec(section, key)!;
    const value = sections.get(section)?.get(key.toLowerCase()) ?? spec.default;
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
  const inFile = (s: typeof S | typeof W, k: string) => sections.get(s)?.has(k.toLowerCase()) ?? false;

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
      trustedUserHeader: raw(W, "Trusted_User_Header").toLowerCase(),
      debug: bool(W, "Debug"),
    },
  };
  const { invalid } = parseRangeList(config.web.trustedProxies.join(","));
  if (invalid.length) {
    errors["WEB_QMserver.Trusted_Proxies"] = `Trusted_Proxies must list IP addresses or CIDR ranges such as 10.0.0.0/8; not: ${invalid.join(", ")}`;
  }
  for (const problem of opsKeyProblems(config, raw)) errors[problem.key] = problem.message;
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
    "# QM_FOLDER (restart both programs), Host and The_Port (restart the web server), executor (restart the worker).",
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
