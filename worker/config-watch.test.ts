/** QMserv.cfg watched: a file the worker cannot use is a warning in its log, and the settings in force stay. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { defaultConfigText } from "../lib/core/qm-config";
import { parseConfigText } from "../lib/server/config-file";
import { type LogLine, createLogger } from "../lib/server/logger";
import { watchConfigFile } from "./config-watch";

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** A default QMserv.cfg in a folder of its own, watched; its log lines collected. */
function watchedConfig() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-config-watch-"));
  dirs.push(dir);
  const file = path.join(dir, "QMserv.cfg");
  const text = defaultConfigText(path.join(dir, "QM"));
  fs.writeFileSync(file, text);
  const lines: LogLine[] = [];
  const watch = watchConfigFile(file, parseConfigText(file, text).config, createLogger((line) => lines.push(line)), () => undefined);
  return { file, text, lines, watch };
}

/** Polls `probe` for up to 5 s, then asserts it holds. */
async function until(probe: () => boolean) {
  for (let i = 0; i < 100 && !probe(); i++) await new Promise((resolve) => setTimeout(resolve, 50));
  expect(probe()).toBe(true);
}

it("an invalid QMserv.cfg is logged as a warning and the previous settings stay; a valid one is taken", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    const before = watch.current().maxNbProcessors;
    fs.writeFileSync(file, text.replace(/^MaxNbProcessors *[=:].*$/m, "MaxNbProcessors = many"));
    await until(() => lines.some((l) => l.message.includes("QMserv.cfg is invalid")));
    expect(lines.find((l) => l.message.includes("QMserv.cfg is invalid"))?.level).toBe("warn");
    expect(watch.current().maxNbProcessors).toBe(before);
    fs.writeFileSync(file, text.replace(/^MaxNbProcessors *[=:].*$/m, `MaxNbProcessors = ${before + 1}`));
    await until(() => watch.current().maxNbProcessors === before + 1);
    expect(lines.find((l) => l.message.startsWith("QMserv.cfg reloaded"))?.level).toBe("info");
  } finally {
    watch.close();
  }
});

it("says which Slurm key changed, by its QMserv.cfg name", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    fs.writeFileSync(file, text.replace(/^slurm_partition =.*$/m, "slurm_partition = long").replace(/^slurm_poll_interval =.*$/m, "slurm_poll_interval = 2"));
    await until(() => lines.some((l) => l.message.startsWith("QMserv.cfg reloaded")));
    expect(lines.map((l) => l.message)).toContain("QMserv.cfg reloaded: slurm_partition (empty) -> long, slurm_poll_interval 5 s -> 2 s");
  } finally {
    watch.close();
  }
});

it("names the retention and free-space keys saved from the admin page", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    fs.writeFileSync(file, text.replace(/^Keep_Max_GB =.*$/m, "Keep_Max_GB = 0.5").replace(/^Archive_Folder =.*$/m, "Archive_Folder = /srv/qm-archive").replace(/^Min_Free_MB =.*$/m, "Min_Free_MB = 2048"));
    await until(() => lines.some((l) => l.message.startsWith("QMserv.cfg reloaded")));
    expect(lines.map((l) => l.message)).toContain("QMserv.cfg reloaded: Min_Free_MB 1024 -> 2048, Keep_Max_GB 0 -> 0.5, Archive_Folder (empty) -> /srv/qm-archive");
  } finally {
    watch.close();
  }
});

it("names a key that waits for the worker's restart with its values, an empty one as (empty)", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    fs.writeFileSync(file, text.replace(/^Run_As *=.*$/m, "Run_As = ann=ann"));
    await until(() => lines.some((l) => l.message.startsWith("QMserv.cfg: Run_As changed")));
    expect(lines.map((l) => l.message)).toContain("QMserv.cfg: Run_As changed to ann=ann; restart the worker for that to take effect (still using (empty))");
  } finally {
    watch.close();
  }
});

it("a QMserv.cfg moved aside keeps the settings in force and is not written again", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    fs.writeFileSync(file, text.replace(/^#? *MaxNbProcessors *[=:].*$/m, "MaxNbProcessors = 3"));
    await until(() => watch.current().maxNbProcessors === 3);
    fs.renameSync(file, `${file}.aside`);
    await until(() => lines.some((l) => l.message.includes("is missing")));
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.existsSync(file)).toBe(false);
    expect(watch.current().maxNbProcessors).toBe(3);
    expect(lines.find((l) => l.message.includes("is missing"))?.message).toContain(`${file} is missing`);
  } finally {
    watch.close();
  }
});

it("a hand edit the admin page would refuse is refused as a whole, its problems and the file named; the settings stay", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    const before = watch.current();
    const edited = text.replace(/^#? *MaxNbProcessors *[=:].*$/m, `MaxNbProcessors = ${before.maxNbProcessors + 1}`);
    fs.writeFileSync(file, edited.replace(/^Job_Uids =.*$/m, "Job_Uids = 10-20").replace(/^Default_Mem =.*$/m, "Default_Mem = 8G").replace(/^Max_Mem =.*$/m, "Max_Mem = 4G"));
    await until(() => lines.some((l) => l.message.includes("QMserv.cfg is invalid")));
    const said = lines.find((l) => l.message.includes("QMserv.cfg is invalid"))!.message;
    expect(said).toContain(file);
    expect(said).toMatch(/Job_Uids/);
    expect(said).toContain("Default_Mem (8G) is more than Max_Mem (4G)");
    expect(lines.some((l) => l.message.startsWith("QMserv.cfg reloaded"))).toBe(false);
    expect(watch.current().maxNbProcessors).toBe(before.maxNbProcessors);
    expect(watch.current().limits.defaultMemMb).toBe(before.limits.defaultMemMb);
  } finally {
    watch.close();
  }
});

it("a key written twice with different values is taken as the last one and logged as a warning naming both lines", async () => {
  const { file, text, lines, watch } = watchedConfig();
  try {
    fs.writeFileSync(file, text.replace("[QMServer]\n", "[QMServer]\nMax_User_Priority = 0\n"));
    await until(() => lines.some((l) => l.message.startsWith("QMserv.cfg reloaded")));
    expect(watch.current().maxUserPriority).toBe(1000);
    const warning = lines.find((l) => l.message.startsWith("QMserv.cfg: Max_User_Priority is set 2 times"));
    expect(warning?.level).toBe("warn");
    expect(warning?.message).toMatch(/\(line \d+: "0", line \d+: "1000"\); the last one counts: keep one$/);
  } finally {
    watch.close();
  }
});
