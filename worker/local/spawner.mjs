// The worker's spawner: a small plain-Node process that starts job processes for the
// worker and reports their pid and end. It exists because fork() costs grow with the
// parent's memory: ~20 ms from the worker (Prisma, tsx loaded) against ~2 ms from here.
// Protocol: JSON lines. In: {id, dir, log, header, wrapper, args, env}. Out: {id, pid} then
// {id, exit: {exitCode, signal, error?}}. It exits when its stdin closes; jobs, each in its
// own session, run on (their wrapper writes their exit record; a later worker adopts them).
import { spawn } from "node:child_process";
import fs from "node:fs";
import readline from "node:readline";

const send = (message) => process.stdout.write(`${JSON.stringify(message)}\n`);

function start(req) {
  let fd;
  let reported = false;
  const exit = (info) => {
    if (reported) return;
    reported = true;
    send({ id: req.id, exit: info });
  };
  try {
    fd = fs.openSync(req.log, "a");
    fs.writeSync(fd, req.header);
    const child = spawn("/bin/sh", ["-c", req.wrapper, "qm-job", ...req.args], {
      cwd: req.dir,
      detached: true,
      stdio: ["ignore", fd, fd],
      env: { ...process.env, ...req.env },
    });
    child.once("error", (error) => exit({ exitCode: null, signal: null, error: error.message }));
    child.once("close", (code, signal) => exit({ exitCode: code, signal }));
    send({ id: req.id, pid: child.pid ?? 0 });
  } catch (error) {
    send({ id: req.id, pid: 0 });
    exit({ exitCode: null, signal: null, error: error instanceof Error ? error.message : String(error) });
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

// A service manager's stop may signal every process of the service, this helper included
// (Ctrl-C does not reach it: it has a process group of its own). The worker decides when
// jobs stop, and this helper exits when the worker closes its stdin (also when the worker
// dies). Caught, not ignored, so that the jobs it starts get the default actions back.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) process.on(signal, () => {});
readline.createInterface({ input: process.stdin }).on("line", (line) => start(JSON.parse(line)));
process.stdin.on("close", () => process.exit(0));
