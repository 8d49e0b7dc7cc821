import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { FALLBACK_PATH, jobEnvironment, safeSearchPath } from "./search-path";

let dir: string;
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const asRoot = process.getuid?.() === 0;

describe.skipIf(!asRoot)("safeSearchPath", () => {
  it("keeps folders only root may change, in order and once; tells which others jobs cannot search", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-search-path-"));
    fs.chmodSync(dir, 0o755);
    const tools = path.join(dir, "tools");
    const closed = path.join(dir, "closed", "bin");
    fs.mkdirSync(tools);
    fs.mkdirSync(closed, { recursive: true });
    fs.chmodSync(path.dirname(closed), 0o700);
    const groupWritable = path.join(dir, "group");
    fs.mkdirSync(groupWritable);
    fs.chownSync(groupWritable, 0, 100);
    fs.chmodSync(groupWritable, 0o775);
    const got = safeSearchPath(`${tools}:bin:${closed}::${groupWritable}:${tools}:/usr/bin`, new Set([0]));
    expect(got.path).toBe(`${tools}:${closed}:/usr/bin`);
    expect(got.dropped).toEqual([
      { entry: "bin", why: "a relative folder, which for a job means its own folder" },
      { entry: "", why: "an empty entry, which means the current folder (a job's own)" },
      { entry: groupWritable, why: `${groupWritable} is writable by its group (gid 100)` },
    ]);
    expect(got.closedToJobs).toEqual([closed]);
  });

  it("falls back to the system's folders when no entry may stay", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-search-path-"));
    fs.chmodSync(dir, 0o777);
    expect(safeSearchPath(`${dir}:.`, new Set([0])).path).toBe(FALLBACK_PATH);
  });
});

describe("jobEnvironment", () => {
  it("leaves out the service's settings and tuning and npm's variables, and sets PATH", () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-search-path-"));
    const env = jobEnvironment({ HOME: "/root", QM_CONFIG: "/etc/qm.cfg", DATABASE_URL: "file:x", MALLOC_ARENA_MAX: "2", npm_config__authtoken: "t", NPM_CONFIG_CACHE: "c", INIT_CWD: "/srv", PATH: "/tmp/x:/usr/bin", LANG: "C.UTF-8", toString: "a job's own" }, "/usr/bin");
    // A name an object has by its prototype (toString) is not the services' tuning.
    expect(env).toEqual({ HOME: "/root", LANG: "C.UTF-8", PATH: "/usr/bin", toString: "a job's own" });
  });
});
