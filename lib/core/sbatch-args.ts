/**
 * `slurm_sbatch_args` of QMserv.cfg: extra sbatch options added to every job, written as
 * on a command line (`--qos=long --constraint="avx2&ib"`). They are split here into words
 * (quotes group, nothing is expanded: no shell ever sees them) and checked, so that a
 * mistake is reported when the file is read, not at the first submission.
 *
 * Each word is judged as sbatch (getopt) reads it: a long option may be abbreviated to any
 * unique beginning (`--job=x` is `--job-name=x`), short options bundle (`-vJx` is `-v -J x`),
 * and an option's value may be the next word (`--qos long`). A word that is no option and
 * no option's value would be taken by sbatch for the batch script.
 */

type ArgKind = "none" | "optional" | "required";

/** sbatch's long options (Slurm 22.05, read from `sbatch --<letter>`) and their values. */
const LONG_OPTIONS: Record<string, ArgKind> = Object.fromEntries([
  ..."account acctg-freq array batch begin bb bbf cluster-constraint chdir cluster clusters comment container context constraint core-spec cores-per-socket cpu-freq cpus-per-gpu cpus-per-task deadline delay-boot dependency distribution error exclude export export-file extra-node-info gid gpu-bind gpu-freq gpus gpus-per-node gpus-per-socket gpus-per-task gres gres-flags hint input job-name kill-on-invalid-dep licenses mail-type mail-user mcs-label mem mem-bind mem-per-cpu mem-per-gpu mincpus network nodefile nodelist nodes ntasks ntasks-per-core ntasks-per-gpu ntasks-per-node ntasks-per-socket ntasks-per-tres open-mode output partition power prefer priority profile qos reservation signal sockets-per-node switches tasks-per-node thread-spec threads-per-core time time-min tmp uid wait-all-nodes wckey wrap"
    .split(" ").map((n) => [`--${n}`, "required"]),
  ..."exclusive get-user-env nice no-kill propagate".split(" ").map((n) => [`--${n}`, "optional"]),
  ..."contiguous help hold ignore-pbs no-requeue overcommit oversubscribe parsable quiet reboot requeue spread-job test-only use-min-nodes usage verbose version wait"
    .split(" ").map((n) => [`--${n}`, "none"]),
]);

/** sbatch's short options and their values (`-k` takes one only attached: `-kfoo`). */
const SHORT_OPTIONS: Record<string, ArgKind> = Object.fromEntries([
  ..."abcdeimnopqtwxABCDFGJLMNS".split("").map((c) => [`-${c}`, "required"]),
  ["-k", "optional"],
  ..."hsvHOQVW".split("").map((c) => [`-${c}`, "none"]),
]);

/**
 * Options QueueManager sets itself for every job: the job's name and folder are how runs
 * are found again, its output is process.log, and requeueing would run a job twice.
 */
const RESERVED = ["-J", "--job-name", "-D", "--chdir", "-o", "--output", "-e", "--error", "-i", "--input", "--open-mode", "--requeue", "--no-requeue", "--wrap", "--parsable", "-a", "--array", "--signal", "-W", "--wait", "--export", "--export-file"];

/** Options with which sbatch prints something and submits nothing. */
const NO_SUBMIT = ["-h", "--help", "--usage", "-V", "--version", "--test-only"];

/**
 * What each job asks for itself, which one option for every job would override (written
 * after QueueManager's own, the last one wins): its processors (nb_proc), one task on one
 * node, its GPUs (nb_gpu: a job without nb_gpu has none, and is counted so), and where it
 * goes (their own keys). Refused, saying what to use instead.
 */
const PER_JOB: Array<{ options: string[]; use: string }> = [
  { options: ["-c", "--cpus-per-task", "--cpus-per-gpu"], use: "each job's nb_proc sets --cpus-per-task" },
  { options: ["-n", "--ntasks", "-N", "--nodes", "--ntasks-per-node", "--tasks-per-node"], use: "every job is one task on one node" },
  { options: ["-G", "--gpus", "--gpus-per-node", "--gpus-per-task", "--gpus-per-socket"], use: "each job's nb_gpu sets --gres=gpu:N" },
  { options: ["-p", "--partition"], use: "set slurm_partition" },
  { options: ["-A", "--account"], use: "set slurm_account" },
];

/**
 * Options that take a job where QueueManager cannot follow it, or give it rights the
 * worker's user would not: another user or group (sbatch takes them from root only, and a
 * root worker would run jobs as any account an administrator names), another cluster
 * (the worker's squeue and sacct ask this cluster only, so the job is lost, or submitted
 * a second time). Refused, saying what to do instead.
 */
const ELSEWHERE: Array<{ options: string[]; why: string }> = [
  {
    options: ["--uid"],
    why: "would run every job as another user, whom the worker's squeue --me never lists (the job is lost) and whose rights a root worker would hand to anyone who edits QMserv.cfg; it cannot be given in slurm_sbatch_args: jobs run as the worker's user, so run the worker under the account the jobs should run as (docs/scale-out.md)",
  },
  {
    options: ["--gid"],
    why: "would run every job with another group's rights, which a root worker would hand to anyone who edits QMserv.cfg; it cannot be given in slurm_sbatch_args: jobs run with the worker's groups, so run the worker under an account of the group the jobs should have (docs/scale-out.md)",
  },
  {
    options: ["-M", "--clusters", "--cluster"],
    why: "would send every job to another cluster, where the worker's squeue and sacct never find it (the job is lost, or submitted a second time); it cannot be given in slurm_sbatch_args: run the worker on a submit host of that cluster, or point it there with SLURM_CONF",
  },
];

/**
 * Options that are defaults for the jobs that do not ask themselves: dropped from a job's
 * sbatch line when it asks (its mem or walltime), kept for the others.
 */
export const JOB_DEFAULT_OPTIONS = { mem: ["--mem", "--mem-per-cpu", "--mem-per-gpu"], walltime: ["-t", "--time"] };

/** Does `word` give the option `name` (`--mem=4G`, `--mem`, `-t10`, `-t`)? */
const gives = (word: string, name: string) => word === name || (name.startsWith("--") ? word.startsWith(`${name}=`) : word.startsWith(name));

/**
 * `words` without the options `names` (and the value in the next word when not attached):
 * the defaults a job overrides. Only options that take a value are ever named here.
 */
export function withoutOptions(words: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const name = names.find((n) => gives(words[i], n));
    if (!name) out.push(words[i]);
    else if (words[i] === name) i++;
  }
  return out;
}

/** Split a command-line-like text into words: whitespace separates, '…' and "…" group. */
export function splitWords(text: string): string[] {
  const words: string[] = [];
  let word: string | null = null;
  let quote: string | null = null;
  for (const ch of text) {
    if (quote) {
      if (ch === quote) quote = null;
      else word += ch;
    } else if (ch === '"' || ch === "'") {
      quote = ch;
      word ??= "";
    } else if (/\s/.test(ch)) {
      if (word !== null) words.push(word);
      word = null;
    } else {
      word = (word ?? "") + ch;
    }
  }
  if (quote) throw new Error(`a ${quote} quote is not closed`);
  if (word !== null) words.push(word);
  return words;
}

/** Why the option `name` (written in full) cannot be given for every job; null when it can. */
function refusal(name: string): string | null {
  if (RESERVED.includes(name)) return "is set by QueueManager for every job and cannot be given in slurm_sbatch_args";
  if (NO_SUBMIT.includes(name)) return "makes sbatch print something and submit nothing, and cannot be given in slurm_sbatch_args";
  const elsewhere = ELSEWHERE.find(({ options }) => options.includes(name));
  if (elsewhere) return elsewhere.why;
  const perJob = PER_JOB.find(({ options }) => options.includes(name));
  return perJob ? `is what each job asks for itself and cannot be given for every job in slurm_sbatch_args: ${perJob.use}` : null;
}

const orList = (names: string[]) => (names.length === 1 ? names[0] : `${names.slice(0, -1).join(", ")} or ${names.at(-1)}`);

/**
 * The long option that sbatch reads for `given` (`--job` -> `--job-name`). A beginning
 * that could stand for a refused option is refused (naming it), one that could stand for
 * several is refused as sbatch would; an option unknown here (a newer Slurm's) is kept.
 */
function fullLongName(given: string): string {
  if (LONG_OPTIONS[given]) return given;
  const candidates = Object.keys(LONG_OPTIONS).filter((name) => name.startsWith(given));
  const refused = candidates.find((name) => refusal(name));
  if (refused) {
    const stands = candidates.length === 1 ? `is short for ${refused}, which` : `could stand for ${orList(candidates)}: ${refused}`;
    throw new Error(`${given} ${stands} ${refusal(refused)}`);
  }
  if (candidates.length > 1) throw new Error(`${given} could stand for ${orList(candidates)}: write the option in full`);
  return candidates[0] ?? given;
}

/**
 * The words of `slurm_sbatch_args`, each option in one word and in full (`--qos=long`,
 * `-H`, `-t30`), so that what a job overrides is found by name; throws an Error saying
 * what to fix.
 */
export function parseSbatchArgs(text: string): string[] {
  const words = splitWords(text);
  const out: string[] = [];
  let previous = "";
  for (let i = 0; i < words.length; i++) {
    const word = words[i];
    const valueOf = (name: string) => {
      if (i + 1 >= words.length) throw new Error(`${name} needs a value`);
      return words[++i];
    };
    if (word.startsWith("--") && word !== "--") {
      const eq = word.indexOf("=");
      const name = fullLongName(eq < 0 ? word : word.slice(0, eq));
      const why = refusal(name);
      if (why) throw new Error(`${name} ${why}`);
      const kind = LONG_OPTIONS[name];
      let value = eq < 0 ? null : word.slice(eq + 1);
      if (kind === "none" && value !== null) throw new Error(`${name} takes no value`);
      // An option unknown here takes the next word when that is not an option, as most do.
      if (value === null && (kind === "required" || (!kind && i + 1 < words.length && !words[i + 1].startsWith("-")))) value = valueOf(name);
      if (name === "--gres" && /(^|,)gpu(:|,|$)/.test(value ?? "")) {
        throw new Error("--gres=gpu is what each job asks for itself (nb_gpu sets --gres=gpu:N) and cannot be given for every job in slurm_sbatch_args");
      }
      out.push(value === null ? name : `${name}=${value}`);
    } else if (word.startsWith("-") && word.length > 1 && word !== "--") {
      // Bundled short options: flags, then at most one that takes the rest (or the next word).
      for (let j = 1; j < word.length; j++) {
        const name = `-${word[j]}`;
        const shown = j > 1 ? `${name} (in ${word})` : name;
        const kind = SHORT_OPTIONS[name];
        if (!kind) throw new Error(`${shown} is not an sbatch option`);
        const why = refusal(name);
        if (why) throw new Error(`${shown} ${why}`);
        if (kind === "none") {
          out.push(name);
          continue;
        }
        const rest = word.slice(j + 1);
        const value = kind === "required" && !rest ? valueOf(name) : rest;
        out.push(...(value || kind === "optional" ? [name + value] : [name, value]));
        break;
      }
    } else {
      const hint = LONG_OPTIONS[previous] === "optional" ? ` (${previous} takes a value only with =: ${previous}=${word})` : "";
      throw new Error(`"${word}" is not an sbatch option (options start with -) and would be taken by sbatch for the batch script${hint}`);
    }
    previous = out.at(-1) ?? "";
  }
  return out;
}
