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
  if (words.length && !words[0].startsWith("-")) throw new Error(`"${words[0]}" is not an sbatch option (options start with -)`);
  return words;
}
