/**
 * The qm command's entry (bundled to dist/cli/qm.cjs, started by bin/qm.cjs): the only
 * file that reads the environment, touches the terminal and sets the exit code.
 */
import readline from "node:readline";
import { argumentsWithTheirBytes, ownCommandLine } from "./argument-bytes";
import { run } from "./run";

declare const QM_VERSION: string | undefined;

/** Standard input's lines when it is not a terminal: one reader for every prompt, so each gets the next line. */
let piped: { rl: readline.Interface; lines: AsyncIterator<string> } | undefined;

async function nextPipedLine(question: string): Promise<string> {
  process.stderr.write(question);
  if (!piped) {
    const rl = readline.createInterface({ input: process.stdin, terminal: false });
    piped = { rl, lines: rl[Symbol.asyncIterator]() };
  }
  const next = await piped.lines.next();
  process.stderr.write("\n");
  if (next.done) throw new Error(`standard input ended before the answer to "${question.trim()}"; give one line per question`);
  return next.value;
}

/** Ask on the terminal; a hidden answer is not echoed. Without a terminal, read the next line of standard input. */
function prompt(question: string, hidden = false): Promise<string> {
  if (!process.stdin.isTTY) return nextPipedLine(question);
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: true });
    if (hidden) {
      // readline echoes through _writeToOutput: show the question, not the typing.
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      out._writeToOutput = (s: string) => s.includes(question) && process.stderr.write(question);
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden) process.stderr.write("\n");
      resolve(answer);
    });
  });
}

// Node exits with 0 when nothing is left to wait for; a command that never finished has failed.
let finished = false;

// `qm ls | head`, `qm cat 17 big.csv | head` close the pipe early: stop quietly, as done
// (the reader has all it wanted), not as a command stopped half-way.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code !== "EPIPE") throw error;
  finished = true;
  process.exit(0);
});

const io = {
  env: process.env,
  out: (text: string) => void process.stdout.write(`${text}\n`),
  rawOut: process.stdout,
  err: (text: string) => void process.stderr.write(`${text}\n`),
  prompt,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

run(argumentsWithTheirBytes(process.argv.slice(2), ownCommandLine()), io, typeof QM_VERSION === "string" ? QM_VERSION : "dev")
  .then(
    (code) => (process.exitCode = code),
    (error: unknown) => {
      process.stderr.write(`qm: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exitCode = 1;
    },
  )
  .finally(() => {
    finished = true;
    piped?.rl.close();
  });

process.on("exit", () => {
  if (finished) return;
  process.stderr.write("qm: stopped before the command finished\n");
  process.exitCode = 1;
});
