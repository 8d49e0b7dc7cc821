/** Small readers and writers of cgroupfs files, shared by the v1 and v2 confinements. */
import fs from "node:fs";
import path from "node:path";

export function readText(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8");
  } catch {
    return null;
  }
}

export function readNumber(file: string): number | null {
  const text = readText(file)?.trim();
  return text && /^\d+$/.test(text) ? Number(text) : null;
}

/** `key value` lines (memory.events, cpu.stat, memory.oom_control): the value of `key`. */
export function readKeyed(file: string, key: string): number | null {
  const m = new RegExp(`^${key} (\\d+)$`, "m").exec(readText(file) ?? "");
  return m ? Number(m[1]) : null;
}

export function write(file: string, value: string): void {
  fs.writeFileSync(file, value);
}

/** The pids listed in a cgroup.procs file. */
export function readPids(file: string): number[] {
  return (readText(file) ?? "").split("\n").filter(Boolean).map(Number);
}

/** rmdir a cgroup; false when it still holds processes (zombies that nobody reaps), to retry later. */
export function removeCgroup(dir: string): boolean {
  try {
    fs.rmdirSync(dir);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "ENOENT";
  }
}

/** Remove what earlier runs left in `base` that is now empty (nothing to keep: runs are named by token). */
export function removeLeftCgroups(base: string, keep: Set<string>): void {
  let names: string[];
  try {
    names = fs.readdirSync(base, { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name);
  } catch {
    return;
  }
  for (const name of names) if (!keep.has(name) && readPids(path.join(base, name, "cgroup.procs")).length === 0) removeCgroup(path.join(base, name));
}
