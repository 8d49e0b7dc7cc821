/**
 * The keys of QMserv.cfg QueueManager reads: their section, type, bounds, default, the value
 * a new file gets, whether a change needs a restart, and the help the admin page shows.
 * One value is checked against its key here; the file as a whole in qm-config.ts.
 */
import { parseIniBoolean } from "./config-parser";
import { OPS_SERVER_KEYS, OPS_WEB_KEYS } from "./ops-keys";

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
  { section: S, key: "Job_Uids", type: "text", default: "61000-61999", restart: "worker", help: "when the worker runs as root, each job runs as a uid of this range that no account uses and no other running job holds" },
  { section: S, key: "Run_As", type: "text", default: "", restart: "worker", help: "jobs of these people run as their own Unix account: name=account, comma-separated (e.g. ann=ann, bob@lab.org=bob); an account's jobs by user name or account e-mail, a folder dropped in QM_qJobs by its e_mail" },
  { section: S, key: "Limits", type: "choice", default: "auto", choices: ["auto", "cgroup2", "cgroup1", "none"], restart: "worker", help: "how jobs are held to their CPUs and memory: control groups v2 or v1, or none (CPU affinity and an rlimit); auto picks the best available (needs root)" },
  { section: S, key: "CPU_List", type: "text", default: "", restart: "worker", help: "CPUs jobs may use, e.g. 0-15 or 2-7,10 (empty: all); each running job is pinned to its own nb_proc of them" },
  { section: S, key: "GPU_List", type: "text", default: "", restart: "worker", help: "GPUs jobs may be given, e.g. 0,1,2,3 (nvidia-smi's indices); auto: those nvidia-smi -L lists at the worker's start; empty: none. Each job gets its own nb_gpu of them, never shared; with executor = slurm, unused: nb_gpu is asked as --gres=gpu:N (docs/gpus.md)" },
  { section: S, key: "Default_Mem", type: "text", default: "", help: "memory limit of a job that gives no mem, e.g. 4G (empty: none)" },
  { section: S, key: "Max_Mem", type: "text", default: "", help: "largest memory limit a job gets; a job asking for more is capped (empty: no cap)" },
  { section: S, key: "Default_Walltime", type: "text", default: "", help: "walltime of a job that gives none, as Slurm's --time: MM, HH:MM:SS or D-HH:MM:SS (empty: none)" },
  { section: S, key: "Max_Walltime", type: "text", default: "", help: "longest walltime a job gets; a job asking for more is capped (empty: no cap)" },
  { section: S, key: "Quarantine_After", type: "integer", default: "2", min: 0, max: 100, help: "a job still running after this many worker crashes in a row is stopped and ended lost (it may be what kills the worker); 0: never" },
  { section: S, key: "Shutdown_Jobs", type: "choice", default: "keep", choices: ["keep", "requeue"], help: "when the worker stops: keep running jobs running (the next worker adopts them), or stop them and put them back in the queue" },
  { section: S, key: "Fair_Share", type: "boolean", default: "False", help: "among queued jobs of equal priority, the owner who used the fewest CPU-seconds recently goes first (docs/queue-control.md)" },
  { section: S, key: "Fair_Share_Window", type: "integer", default: "24", min: 1, max: 8760, help: "hours of use that fair share counts" },
  { section: S, key: "Max_User_Priority", type: "integer", default: "1000", min: -1000, max: 1000, help: "highest priority a job may have unless an administrator gives it: a higher one typed by anyone else (submit form, qm, API) is refused, one in a job's own file (a zip, a dropped folder) is lowered to it with a note; 1000: no limit (as QM 0.4). 0 keeps users from putting their jobs ahead of others'" },
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
  { section: W, key: "Licence_to_kill", type: "boolean", default: "True", help: "allow users to kill their own running jobs (the administrator always may)" },
  { section: W, key: "Delete_Jobs", type: "boolean", default: "True", help: "allow users to delete their own queued and finished jobs (the administrator always may)" },
  { section: W, key: "Refresh_Rate", type: "integer", default: "2", min: 1, max: 3600, help: "seconds between updates of the pages" },
  { section: W, key: "Display_details", type: "boolean", default: "True", help: "show info, owner and script of jobs to everyone" },
  ...OPS_WEB_KEYS,
  { section: W, key: "Max_Upload_MB", type: "integer", default: "2048", min: 1, max: 1048576, help: "largest zipped job accepted by the upload form, in MB" },
  { section: W, key: "Max_Zip_MB", type: "integer", default: "20480", min: 1, max: 16777216, help: "most a job folder may hold to be downloaded as one zip, in MB (a bigger one is downloaded file by file)" },
  { section: W, key: "Trusted_Proxies", type: "text", default: "", help: "addresses or CIDR ranges of reverse proxies in front of QueueManager, comma-separated; only their X-Forwarded-For is believed, and only they may sign users in with Trusted_User_Header (empty: the connection's address is the client's)" },
  { section: W, key: "Trusted_Proxy_Users", type: "text", default: "www-data nginx apache http", help: "the accounts a reverse proxy on this machine runs as (space- or comma-separated): a connection from a loopback address of Trusted_Proxies is believed only from these, root or QueueManager's own account, since jobs and lab members connect from 127.0.0.1 too" },
  { section: W, key: "Trusted_User_Header", type: "text", default: "", help: "header a reverse proxy sets to the signed-in user name (e.g. X-Remote-User, for LDAP/SSO in Apache or nginx); honoured only from Trusted_Proxies; empty: off" },
  { section: W, key: "Require_Login", type: "choice", default: "auto", choices: ["auto", "yes", "no"], help: "who must log in (docs/web-auth.md): yes: for everything; no: only to act on jobs; auto: like no when Host is localhost, otherwise viewing is open and submitting needs a login" },
  { section: W, key: "Debug", type: "boolean", default: "False", help: "verbose web server log" },
];

export function findKeySpec(section: string, key: string): KeySpec | undefined {
  return KNOWN_KEYS.find((k) => k.section === section && k.key.toLowerCase() === key.toLowerCase());
}

/** Check one value against its spec; returns a message for the form, or null. */
export function checkValue(spec: KeySpec, value: string): string | null {
  const v = value.trim();
  switch (spec.type) {
    case "integer": {
      if (!/^-?\d+$/.test(v)) return `${spec.key} must be a whole number`;
      const n = Number(v);
      if (spec.min !== undefined && n < spec.min) return `${spec.key} must be at least ${spec.min}`;
      // Beyond this, Number() rounds: 99999999999999999999 would be saved and read as 1e20.
      const max = spec.max ?? Number.MAX_SAFE_INTEGER;
      if (n > max) return `${spec.key} must be at most ${max}`;
      return null;
    }
    case "boolean":
      return parseIniBoolean(v) === undefined ? `${spec.key} must be True or False` : null;
    case "choice":
      return spec.choices && !spec.choices.includes(v) ? `${spec.key} must be one of: ${spec.choices.join(", ")}` : null;
    case "path":
      // Taken as written (as the original QM did), these would name a new, empty folder.
      if (v === "") return `${spec.key} must not be empty`;
      if (/^(["']).*\1$/.test(v)) return `${spec.key} is written in quotes; write the path without them (spaces are kept as written)`;
      if (/^~(\/|$)/.test(v)) return `${spec.key} starts with ~, which is not expanded; write the full path, such as /home/ann/QM`;
      return null;
    default:
      return null;
  }
}
