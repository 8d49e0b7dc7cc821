/**
 * The qm command's entry (bundled to dist/cli/qm.mjs, started by bin/qm.mjs): the only
 * file that reads the environment, touches the terminal and sets the exit code.
 */
import readline from "node:readline";
import { run } from "./run";

declare const QM_VERSION: string | undefined;

/** Ask on the terminal; a hidden answer is not echoed. Without a terminal, read one line of standard input. */
function prompt(question: string, hidden = false): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stderr, terminal: process.stdin.isTTY === true });
    if (hidden && process.stdin.isTTY) {
      // readline echoes through _writeToOutput: show the question, not the typing.
      const out = rl as unknown as { _writeToOutput: (s: string) => void };
      out._writeToOutput = (s: string) => s.includes(question) && process.stderr.write(question);
    }
    rl.question(question, (answer) => {
      rl.close();
      if (hidden && process.stdin.isTTY) process.stderr.write("\n");
      resolve(answer);
    });
  });
}

// `qm ls | head` closes the pipe early: stop quietly.
process.stdout.on("error", (error: NodeJS.ErrnoException) => {
  if (error.code === "EPIPE") process.exit(0);
  throw error;
});

const io = {
  env: process.env,
  out: (text: string) => void process.stdout.write(`${text}\n`),
  err: (text: string) => void process.stderr.write(`${text}\n`),
  prompt,
  sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)),
};

run(process.argv.slice(2), io, typeof QM_VERSION === "string" ? QM_VERSION : "dev").then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    process.stderr.write(`qm: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
