/**
 * whenAnyDies with real processes: a parent SIGKILLed (seen as a new parent pid), another
 * process gone, and a dead one nobody reaps (a zombie answers signal 0; its /proc state
 * tells it apart within 10 s).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { whenAnyDies } from "./process-watch";

const children: ChildProcess[] = [];
afterEach(() => {
  for (const child of children.splice(0)) child.kill("SIGKILL");
});

const until = async (what: string, ok: () => boolean, ms: number) => {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
};

describe("whenAnyDies", () => {
  it("sees its own parent SIGKILLed within one check (2 s)", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-watch-"));
    const seen = path.join(dir, "seen");
    const watcher = `import { whenAnyDies } from ${JSON.stringify(path.resolve("lib/server/process-watch.ts"))};
      import fs from "node:fs";
      fs.writeFileSync(${JSON.stringify(path.join(dir, "ready"))}, String(process.pid));
      whenAnyDies([process.ppid], (pid) => { fs.writeFileSync(${JSON.stringify(seen)}, String(pid)); process.exit(0); });
      setInterval(() => undefined, 1000);`;
    fs.writeFileSync(path.join(dir, "watcher.mts"), watcher);
    // The parent: a shell that starts the watcher and waits; SIGKILLed, it leaves the watcher to init.
    const parent = spawn("sh", ["-c", `node --import tsx ${path.join(dir, "watcher.mts")} & wait`], { stdio: "ignore" });
    children.push(parent);
    await until("the watcher", () => fs.existsSync(path.join(dir, "ready")), 20_000);
    parent.kill("SIGKILL");
    const killedAt = Date.now();
    await until("the parent's death seen", () => fs.existsSync(seen), 5_000);
    expect(Number(fs.readFileSync(seen, "utf8"))).toBe(parent.pid);
    expect(Date.now() - killedAt).toBeLessThan(3_000);
    fs.rmSync(dir, { recursive: true, force: true });
  }, 30_000);

  it("sees another process gone, and one dead but not reaped (a zombie) within 10 s", async () => {
    const other = spawn("sleep", ["30"], { stdio: "ignore" });
    children.push(other);
    // `sleep 0.1` ends under a shell that then becomes `sleep 30`, which never reaps it.
    const holder = spawn("sh", ["-c", "sleep 0.1 & echo $!; exec sleep 30"], { stdio: ["ignore", "pipe", "ignore"] });
    children.push(holder);
    const zombie = Number(await new Promise<string>((resolve) => holder.stdout!.once("data", (d: Buffer) => resolve(d.toString().trim()))));
    const gone: number[] = [];
    const stops = [whenAnyDies([other.pid!], (pid) => gone.push(pid)), whenAnyDies([zombie], (pid) => gone.push(pid))];
    try {
      await new Promise((r) => setTimeout(r, 2_500));
      expect(gone).toEqual([]); // the one alive, the zombie answering signal 0 until its state is read
      other.kill("SIGKILL");
      await until("the killed one seen", () => gone.includes(other.pid!), 5_000);
      expect(fs.readFileSync(`/proc/${zombie}/stat`, "utf8")).toMatch(/\) Z /);
      await until("the zombie seen", () => gone.includes(zombie), 12_000);
    } finally {
      for (const stop of stops) stop();
    }
  }, 30_000);
});
