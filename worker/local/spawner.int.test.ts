import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { type Spawner, startSpawner } from "./spawner-client";

// The real Perl spawner, starting real processes.
describe("the job spawner", () => {
  let dir: string;
  let spawner: Spawner;
  let logged: string[];

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-spawner-"));
    logged = [];
    spawner = startSpawner(process.env, (m) => logged.push(m));
  });
  afterEach(() => {
    spawner.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  const request = (wrapper: string, extra: Partial<Parameters<Spawner["spawn"]>[0]> = {}) => ({
    dir,
    log: path.join(dir, "process.log"),
    header: "header line\n",
    wrapper,
    args: [],
    env: {},
    ...extra,
  });

  it("starts the wrapper in the folder, in a session of its own, with the header then its output in the log", async () => {
    const args = ["two words", "quote ' and \" and \\", "line\nbreak", "é ü 日本", ""];
    const { pid, ended } = await spawner.spawn(
      request('printf "%s|" "$@"; echo; echo "$QM_ODD"; pwd; ps -o sid= -p $$; read x; echo "stdin:$x:"', { args, env: { QM_ODD: "a=b c\nd" } }),
    );
    expect(pid).toBeGreaterThan(0);
    expect(await ended).toEqual({ exitCode: 0, signal: null });
    const lines = fs.readFileSync(path.join(dir, "process.log"), "utf8").split("\n");
    expect(lines[0]).toBe("header line");
    expect(lines[1]).toBe("two words|quote ' and \" and \\|line");
    expect(lines[2]).toBe("break|é ü 日本||");
    expect(lines.slice(3, 5)).toEqual(["a=b c", "d"]);
    expect(lines[5]).toBe(fs.realpathSync(dir));
    expect(Number(lines[6])).toBe(pid);
    expect(lines[7]).toBe("stdin::");
  });

  it("reports exit codes and signals, each start on its own", async () => {
    const [a, b, c] = await Promise.all([spawner.spawn(request("exit 3")), spawner.spawn(request("kill -TERM $$")), spawner.spawn(request("sleep 0.2"))]);
    expect(new Set([a.pid, b.pid, c.pid]).size).toBe(3);
    expect(await a.ended).toEqual({ exitCode: 3, signal: null });
    expect(await b.ended).toEqual({ exitCode: null, signal: "SIGTERM" });
    expect(await c.ended).toEqual({ exitCode: 0, signal: null });
  });

  it("a folder that cannot be entered is the start's error, with no process", async () => {
    const { pid, ended } = await spawner.spawn(request("true", { dir: path.join(dir, "missing") }));
    expect(pid).toBe(0);
    expect((await ended).error).toMatch(/chdir .*missing: No such file/);
    const { pid: logPid, ended: logEnded } = await spawner.spawn(request("true", { log: path.join(dir, "no", "process.log") }));
    expect(logPid).toBe(0);
    expect((await logEnded).error).toMatch(/cannot open .*process.log/);
  });

  it("a dead spawner is restarted; the runs it had started go on and are reported as spawner-died", async () => {
    const { pid, ended } = await spawner.spawn(request("sleep 0.5; echo survived"));
    const helper = Number(fs.readFileSync(`/proc/${pid}/stat`, "utf8").split(") ")[1].split(" ")[1]);
    process.kill(helper, "SIGKILL");
    expect(await ended).toMatchObject({ error: "spawner-died" });
    expect(logged.join("\n")).toMatch(/stopped unexpectedly \(SIGKILL\); restarting it/);
    const next = await spawner.spawn(request("exit 0"));
    expect(await next.ended).toEqual({ exitCode: 0, signal: null });
    await new Promise((r) => setTimeout(r, 800));
    expect(fs.readFileSync(path.join(dir, "process.log"), "utf8")).toContain("survived");
  });
});
