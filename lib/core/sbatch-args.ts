/**
 * `slurm_sbatch_args` of QMserv.cfg: extra sbatch options added to every job, written as
 * on a command line (`--qos=long --constraint="avx2&ib"`). They are split here into words
 * (quotes group, nothing is expanded: no shell ever sees them) and checked, so that a
 * mistake is reported when the file is read, not at the first submission.
 */

/**
 * Options QueueManager sets itself for every job: the job's name and folder are how runs
 * are found again, its output is process.log, and requeueing would run a job twice.
 */
const RESERVED = ["-J", "--job-name", "-D", "--chdir", "-o", "--output", "-e", "--error", "-i", "--input", "--open-mode", "--requeue", "--no-requeue", "--wrap", "--parsable", "-a", "--array", "--signal", "-W", "--wait", "--export", "--export-file"];

/**
 * What each job asks for itself, which one option for every job would override (written
 * after QueueManager's own, the last one wins): its processors (nb_proc), one task on one
 * node, its GPUs (nb_gpu: a job without nb_gpu has none, and is counted so), and where it
 * goes (their own keys). Refused, saying what to use instead.
 */
const PER_JOB: Array<{ options: string[]; use: string }> = [
  { options: ["-c", "--cpus-per-task", "--cpus-per-gpu"], use: "each job's nb_proc sets --cpus-per-task" },
  { options: ["-n", "--ntasks", "-N", "--nodes", "--ntasks-per-node"], use: "every job is one task on one node" },
  { options: ["-G", "--gpus", "--gpus-per-node", "--gpus-per-task", "--gpus-per-socket"], use: "each job's nb_gpu sets --gres=gpu:N" },
  { options: ["-p", "--partition"], use: "set slurm_partition" },
  { options: ["-A", "--account"], use: "set slurm_account" },
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

/** The words of `slurm_sbatch_args`; throws an Error saying what to fix. */
export function parseSbatchArgs(text: string): string[] {
  const words = splitWords(text);
  for (const word of words) {
    const option = word.split("=")[0];
    if (RESERVED.includes(option) || RESERVED.some((r) => r.length === 2 && word.startsWith(r) && word.length > 2)) {
      throw new Error(`${option} is set by QueueManager for every job and cannot be given in slurm_sbatch_args`);
    }
  }
  for (const [i, word] of words.entries()) {
    for (const { options, use } of PER_JOB) {
      const option = options.find((o) => gives(word, o));
      if (option) throw new Error(`${option} is what each job asks for itself and cannot be given for every job in slurm_sbatch_args: ${use}`);
    }
    const gres = word.startsWith("--gres=") ? word.slice(7) : word === "--gres" ? (words[i + 1] ?? "") : null;
    if (gres !== null && /(^|,)gpu(:|,|$)/.test(gres)) {
      throw new Error("--gres=gpu is what each job asks for itself (nb_gpu sets --gres=gpu:N) and cannot be given for every job in slurm_sbatch_args");
    }
  }
  if (words.length && !words[0].startsWith("-")) throw new Error(`"${words[0]}" is not an sbatch option (options start with -)`);
  return words;
}
