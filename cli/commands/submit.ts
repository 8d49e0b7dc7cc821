/** qm submit PATH... | --wrap CMD: folders, zips, lone scripts or a command line, many in one call; prints the new job ids. */
import { type CheckedSubmitField, SUBMIT_NUMBER_RANGES, type SubmitNumberField, submitFieldProblem } from "../../lib/core/submit-fields";
import { COMMON_HELP, type Command, type Values } from "../command";
import { CliError, EXIT, usageError } from "../errors";
import { type JobUpload, checkWrap, readJobInput, wrapInput } from "../job-input";
import { type BatchItem, type Result, planBatches, sendBatch } from "../submit-batches";
import { timeoutOption, waitForJobs } from "./wait";
import { ANSWER } from "../answer-shapes";

/** The options sent as form fields that qm can check itself: a bad one is a bad command line (exit 2). */
const CHECKED_OPTIONS: [option: string, field: CheckedSubmitField][] = [
  ["nb-proc", "nb_proc"],
  ["nb-gpu", "nb_gpu"],
  ["priority", "priority"],
  ["email", "e_mail"],
  ["after", "after_ok"],
  ["after-any", "after_any"],
  ["array", "array"],
];

/** Throws a usage error saying what --OPTION takes when one of them has a value the server would refuse. */
function checkOptions(values: Values): void {
  for (const [option, field] of CHECKED_OPTIONS) {
    const given = values[option] as string | undefined;
    // A blank value (an empty $SPEC in a script) would quietly queue a plain job.
    if (given !== undefined && !given.trim()) throw usageError(`--${option} needs a value (it was given an empty one)`);
    const value = given?.trim();
    const problem = value ? submitFieldProblem(field, value) : null;
    if (!problem) continue;
    if (field in SUBMIT_NUMBER_RANGES) {
      const { min, max } = SUBMIT_NUMBER_RANGES[field as SubmitNumberField];
      throw usageError(`--${option} takes a whole number from ${min} to ${max}, not "${value}"`);
    }
    throw usageError(`--${option}: ${problem}`);
  }
}

export const submit: Command = {
  name: "submit",
  summary: "queue job folders, zips, scripts or a command line; prints their ids",
  args: [0, Infinity],
  options: {
    "nb-proc": { type: "string", short: "n" },
    "nb-gpu": { type: "string", short: "g" },
    priority: { type: "string", short: "p" },
    email: { type: "string", short: "e" },
    info: { type: "string", short: "i" },
    hold: { type: "boolean" },
    after: { type: "string" },
    "after-any": { type: "string" },
    array: { type: "string" },
    wait: { type: "boolean", short: "w" },
    timeout: { type: "string", short: "t" },
    wrap: { type: "string" },
    name: { type: "string" },
  },
  help: `qm submit [options] PATH...
qm submit [options] --wrap COMMAND

Queue each PATH as a job: a job folder (with its info file), a zip of one, or a lone
script (run with sh, python3 for .py, or itself when it starts with #!). Prints the new
job ids, one per line, in the order given.
With --wrap, COMMAND is a job of its own: a shell command line run with sh in the job's
folder on the server (so give paths the server reaches), kept there as wrap.sh.

  -n, --nb-proc N     processors the job uses (nb_proc)
  -g, --nb-gpu N      GPUs of its own the job gets (nb_gpu; docs/gpus.md)
  -p, --priority N    higher runs first (${SUBMIT_NUMBER_RANGES.priority.min} to ${SUBMIT_NUMBER_RANGES.priority.max})
  -e, --email ADDR    the job's e_mail (default: the info file's, else your account's)
  -i, --info TEXT     a short description
      --hold          queue it held: it starts after qm release
      --after IDS     start only after these jobs ended well (comma-separated ids;
                      array:7 for every element of array 7); cancelled if one fails
      --after-any IDS start once these jobs ended, however they ended
      --array SPEC    run it as an array: 1-100, 1-100%4 (at most 4 at once), 1,5,9
  -w, --wait          then wait for the jobs and exit with their exit code (as qm wait)
  -t, --timeout S     with --wait: give up waiting after S seconds (exit 124)
      --wrap COMMAND  queue this command line as a job (after the PATHs, if any)
      --name NAME     the --wrap job's name (default: wrap)
${COMMON_HELP}`,
  async run(ctx, values, paths) {
    const wrap = values.wrap as string | undefined;
    if (!paths.length && wrap === undefined) throw usageError("give the job folders, zips or scripts to queue, or --wrap COMMAND");
    if (values.name !== undefined && wrap === undefined) throw usageError("--name names a --wrap job; a folder's job takes the folder's name");
    if (wrap !== undefined) checkWrap(wrap, values.name as string | undefined);
    checkOptions(values);
    if (values.timeout !== undefined && !values.wait) throw usageError("--timeout goes with --wait (how long to wait for the jobs)");
    const timeoutMs = timeoutOption(values);
    const api = ctx.api();
    let jobFile: Promise<string> | undefined;
    const askJobFile = () => (jobFile ??= api.call("GET", "/api/status", ANSWER.status).then((s) => s.jobFile ?? "proc_config.cfg"));
    const fields = {
      nb_proc: values["nb-proc"] as string | undefined,
      nb_gpu: values["nb-gpu"] as string | undefined,
      priority: values.priority as string | undefined,
      e_mail: values.email as string | undefined,
      info: values.info as string | undefined,
      hold: values.hold ? "yes" : undefined,
      after_ok: values.after as string | undefined,
      after_any: values["after-any"] as string | undefined,
      array: values.array as string | undefined,
    };
    // What is queued, in order: the PATHs, then the --wrap command; each named as the user wrote it.
    const inputs: { label: string; read: () => Promise<JobUpload> }[] = paths.map((file) => ({ label: file, read: () => readJobInput(file, askJobFile) }));
    if (wrap !== undefined) inputs.push({ label: "--wrap", read: async () => wrapInput(wrap, await askJobFile(), values.name as string | undefined) });
    const results: Result[] = new Array(inputs.length);
    const items: BatchItem[] = [];
    for (const [index, { label, read }] of inputs.entries()) {
      try {
        const upload = await read();
        for (const note of upload.notes) ctx.err(`qm submit: ${label}: ${note}`);
        items.push({ index, upload });
      } catch (error) {
        results[index] = error instanceof CliError ? error : new CliError(EXIT.FAILED, (error as Error).message);
      }
    }
    // One request after another: the server queues a request's zips in their order, and
    // requests in flight together would interleave their jobs in the queue.
    const labels = inputs.map((i) => i.label);
    const note = (index: number, text: string) => ctx.err(`qm submit: ${labels[index]}: ${text}`);
    for (const batch of planBatches(items)) await sendBatch(api, fields, batch, results, note);
    const ids = results.flatMap((r) => (r instanceof CliError ? [] : r.ids));
    const asJson = (path: string, r: Result) => (r instanceof CliError ? { path, error: r.message } : { path, ids: r.ids, ...(r.arrayId !== null ? { array: r.arrayId } : {}) });
    if (values.json) ctx.out(JSON.stringify(labels.map((p, i) => asJson(p, results[i]))));
    else for (const id of ids) ctx.out(String(id));
    results.forEach((r, i) => r instanceof CliError && ctx.err(`qm submit: ${labels[i]}: ${r.message}`));
    const failure = results.find((r): r is CliError => r instanceof CliError);
    // The jobs that were queued are waited for all the same; a PATH not queued decides the exit code.
    const waited = values.wait && ids.length ? await waitForJobs(ctx, ids, { timeoutMs, quiet: !!values.json }) : EXIT.OK;
    return failure ? failure.exitCode : waited;
  },
};
