/** Start child programs with their output prefixed, and stop them cleanly. */
import { type ChildProcess, spawn } from "node:child_process";
import readline from "node:readline";

export interface Program {
  name: string;
  child: ChildProcess;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/**
 * The child gets a process group of its own: a Ctrl-C in the terminal reaches only this
 * supervisor, which stops each program once (SIGTERM). Were the children in the terminal's
 * group, the worker would get the terminal's SIGINT and then our SIGTERM, and take the
 * second signal for "kill the jobs now".
 */
export function startProgram(name: string, command: string, args: string[], cwd: string, env: NodeJS.ProcessEnv): Program {
  const child = spawn(command, args, { cwd, env, stdio: ["ignore", "pipe", "pipe"], detached: true });
  const prefix = `[${name}]`.padEnd(9);
  for (const stream of [child.stdout!, child.stderr!]) {
    readline.createInterface({ input: stream }).on("line", (line) => {
      (stream === child.stderr ? process.stderr : process.stdout).write(`${prefix}${line}\n`);
    });
  }
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.on("exit", (code, signal) => resolve({ code, signal })),
  );
  return { name, child, exited };
}
