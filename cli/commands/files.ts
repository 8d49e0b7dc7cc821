/**
 * qm download ID... and qm cat ID PATH: a job's results on this machine, from anywhere
 * the server is reached (docs/cli.md). A zip is written beside its final name and
 * renamed once complete, so a download cut short leaves no file that looks whole.
 */
import fs from "node:fs";
import path from "node:path";
import { Writable } from "node:stream";
import { StringDecoder } from "node:string_decoder";
import { rawUrl } from "../../lib/client/file-urls";
import { formatBytes } from "../../lib/core/format";
import { COMMON_HELP, type Command, jobIds } from "../command";
import { CliError, EXIT, usageError } from "../errors";
import { terminalSafe } from "../terminal-text";
import { ANSWER } from "../answer-shapes";

/**
 * `<job name>.zip`, the name made safe to write here (no folder separators, no leading dot);
 * `<job name>-<id>.zip` when that name is `taken` already (by an earlier job of the same
 * download: jobs often share a name, and one zip must not replace or refuse the other).
 */
export function zipNameOf(jobName: string, id: number, taken: ReadonlySet<string> = new Set()): string {
  const name = jobName.replace(/[/\\\0]/g, "_").replace(/^\.+/, "");
  if (!name) return `job-${id}.zip`;
  // Compared without case, as a Mac's or Windows' disk names files.
  return taken.has(`${name}.zip`.toLowerCase()) ? `${name}-${id}.zip` : `${name}.zip`;
}

export const download: Command = {
  name: "download",
  summary: "download jobs' folders as zips (results, logs, everything)",
  args: [1, Infinity],
  options: { output: { type: "string", short: "o" }, force: { type: "boolean" } },
  help: `qm download [options] ID...

Download each job's whole folder as <job name>.zip (<job name>-<id>.zip for a later job
of the same name; files the server leaves out are listed in QM-download-notes.txt inside).
Prints each zip's path.
  -o, --output DIR    where to write the zips (default: the current folder)
      --force         replace a file of the same name (else that job is refused)
${COMMON_HELP}`,
  async run(ctx, values, positionals) {
    const ids = jobIds(positionals);
    const dir = (values.output as string | undefined) ?? ".";
    if (!fs.statSync(dir, { throwIfNoEntry: false })?.isDirectory()) throw usageError(`--output ${dir}: no such folder`);
    const results: { id: number; file?: string; bytes?: number; error?: string }[] = [];
    let exitCode: number = EXIT.OK;
    const taken = new Set<string>();
    for (const id of ids) {
      const part = path.join(dir, `.qm-download-${id}-${process.pid}.part`);
      let out: fs.WriteStream | undefined;
      try {
        const { job } = await ctx.api().call("GET", `/api/jobs/${id}`, ANSWER.job);
        const name = zipNameOf(job.name, id, taken);
        taken.add(name.toLowerCase());
        const file = path.join(dir, name);
        if (!values.force && fs.existsSync(file)) throw new CliError(EXIT.FAILED, `${file} is there already; remove it, use --force, or -o another folder`);
        out = fs.createWriteStream(part, { flags: "wx", mode: 0o644 });
        await ctx.api().stream(`/api/jobs/${id}/download`, out);
        fs.renameSync(part, file);
        results.push({ id, file, bytes: fs.statSync(file).size });
      } catch (error) {
        // The part file is opened in the background: closed first, so that an open still
        // under way cannot make it again after it was removed (an answer cut at once).
        if (out) await closed(out);
        fs.rmSync(part, { force: true });
        if (!(error instanceof CliError)) throw error;
        results.push({ id, error: error.message });
        if (exitCode === EXIT.OK) exitCode = error.exitCode;
      }
    }
    if (values.json) ctx.out(JSON.stringify(results));
    else for (const r of results) r.file ? ctx.out(r.file) : ctx.err(`qm download: job ${r.id}: ${r.error}`);
    if (!values.json) for (const r of results) if (r.file) ctx.err(`job ${r.id}: ${formatBytes(r.bytes!)}`);
    return exitCode;
  },
};

/** Once `out` is closed (destroyed first if it was not), its file opened, if at all, and released. */
function closed(out: fs.WriteStream): Promise<void> {
  if (out.closed) return Promise.resolve();
  return new Promise((resolve) => {
    out.once("close", () => resolve());
    out.destroy();
  });
}

/** A stream that writes its UTF-8 text to `out` with control characters escaped (terminalSafe). */
function terminalSink(out: NodeJS.WritableStream): NodeJS.WritableStream {
  const decoder = new StringDecoder("utf8");
  return new Writable({
    write(chunk: Buffer, _encoding, done) {
      out.write(terminalSafe(decoder.write(chunk)), done);
    },
    final(done) {
      out.write(terminalSafe(decoder.end()), done);
    },
  });
}

export const cat: Command = {
  name: "cat",
  summary: "print one file of a job (results.csv, plots/fit.svg...)",
  args: [2, 2],
  options: {},
  help: `qm cat ID PATH

Print the file PATH of job ID (relative to its folder) to standard output: byte for
byte when redirected or piped, with control characters shown as escapes on a terminal: qm cat 17 results/fit.csv | column -ts,  or  qm cat 17 plot.png > plot.png
A name that is not UTF-8 goes as its bytes: qm cat 17 $'r\\xe9sultat.txt'
${COMMON_HELP}`,
  async run(ctx, _values, positionals) {
    const [id] = jobIds(positionals.slice(0, 1));
    if (!ctx.rawOut) throw new CliError(EXIT.FAILED, "no standard output to write to");
    const file = positionals[1].replace(/^\.\//, "");
    // On a terminal the file's control characters are shown as escapes (a job's file must not
    // drive the terminal, as with qm log); redirected or piped, its bytes go as they are.
    const sink = (ctx.rawOut as { isTTY?: boolean }).isTTY ? terminalSink(ctx.rawOut) : ctx.rawOut;
    await ctx.api().stream(rawUrl(id, file, true), sink, { end: sink !== ctx.rawOut });
    return EXIT.OK;
  },
};
