/**
 * What `qm submit` sends is what the server accepts: folders zipped by cli/zip-folder.ts
 * lone scripts and --wrap command lines, read back with the server's own extractZip,
 * findJobRoot and parseJobInfo.
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { parseJobInfo } from "../lib/core/job-info";
import { extractZip } from "../lib/server/zip/extract-zip";
import { findJobRoot } from "../lib/server/zip/job-root";
import { zipLimitsFor } from "../lib/server/zip/zip-limits";
import { readJobInput, wrapInput } from "./job-input";
import { type CliIo, run } from "./run";
import { spawnSync } from "node:child_process";
import { createRequire } from "node:module";
import { pathToFileURL } from "node:url";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-cli-zip-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

async function unpack(zip: Buffer, fileName: string) {
  const zipPath = path.join(dir, "upload.zip");
  fs.writeFileSync(zipPath, zip);
  const out = path.join(dir, "extracted");
  await extractZip(zipPath, out, zipLimitsFor(100));
  return findJobRoot(out, fileName);
}

describe("qm submit's zips", () => {
  it("a folder: every file and sub-folder under the folder's name, contents and exec bits intact, links left out", async () => {
    const job = path.join(dir, "nmr run");
    fs.mkdirSync(path.join(job, "data/deep"), { recursive: true });
    fs.writeFileSync(path.join(job, "proc_config.cfg"), "[QMOptions]\nscript : sh run.sh\nnb_proc : 2\n");
    fs.writeFileSync(path.join(job, "run.sh"), "echo hi\n", { mode: 0o755 });
    const big = Buffer.from(Array.from({ length: 200_000 }, (_, i) => (i * 7) % 251));
    fs.writeFileSync(path.join(job, "data/deep/spectrum.bin"), big);
    fs.writeFileSync(path.join(job, "data/notes.txt"), "x".repeat(10_000));
    fs.mkdirSync(path.join(job, "empty"));
    fs.symlinkSync("/etc/passwd", path.join(job, "link"));

    const input = await readJobInput(job, async () => "proc_config.cfg");
    expect(input.fileName).toBe("nmr run.zip");
    expect(input.notes).toEqual(["nmr run/link left out (not a plain file or folder)"]);
    const root = await unpack(input.zip, input.fileName);
    expect(root.name).toBe("nmr_run");
    expect(fs.readFileSync(path.join(root.dir, "data/deep/spectrum.bin")).equals(big)).toBe(true);
    expect(fs.readFileSync(path.join(root.dir, "data/notes.txt"), "utf8")).toBe("x".repeat(10_000));
    expect(fs.statSync(path.join(root.dir, "run.sh")).mode & 0o111).not.toBe(0);
    expect(fs.statSync(path.join(root.dir, "empty")).isDirectory()).toBe(true);
    expect(fs.existsSync(path.join(root.dir, "link"))).toBe(false);
    expect(parseJobInfo("proc_config.cfg", fs.readFileSync(path.join(root.dir, "proc_config.cfg"), "utf8"))).toMatchObject({ script: "sh run.sh", nbProc: 2 });
  });

  it("a folder holding a file whose name is not UTF-8: sent by its Latin-1 reading, and said (it stopped qm submit with ENOENT)", async () => {
    const job = path.join(dir, "latin");
    fs.mkdirSync(job);
    fs.writeFileSync(path.join(job, "proc_config.cfg"), "[QMOptions]\nscript = cat *.csv\n");
    fs.writeFileSync(Buffer.from(`${job}/r\xe9sultat.csv`, "latin1"), "1,2\n");
    const input = await readJobInput(job, async () => "proc_config.cfg");
    expect(input.notes).toEqual(["latin/résultat.csv sent under this name: its name on this machine is not UTF-8 (read as Latin-1)"]);
    const root = await unpack(input.zip, input.fileName);
    expect(fs.readFileSync(path.join(root.dir, "résultat.csv"), "utf8")).toBe("1,2\n");
  });

  it("a folder whose own name is not UTF-8, given as its bytes (qm submit $'donn\\xe9es'): reached, and sent by its Latin-1 reading", async () => {
    // The path's text as cli/argument-bytes.ts makes it from the command line: the byte 0xE9 as U+DCE9.
    const onDisk = Buffer.from(`${dir}/donn\xe9es`, "latin1");
    fs.mkdirSync(onDisk);
    fs.writeFileSync(Buffer.concat([onDisk, Buffer.from("/proc_config.cfg")]), "[QMOptions]\nscript = sh run.sh\n");
    fs.writeFileSync(Buffer.concat([onDisk, Buffer.from("/run.sh")]), "echo ok\n");
    const input = await readJobInput(`${dir}/donn\udce9es`, async () => "proc_config.cfg");
    expect(input.fileName).toBe("données.zip");
    expect(input.notes).toEqual(["données/ sent under this name: its name on this machine is not UTF-8 (read as Latin-1)"]);
    const root = await unpack(input.zip, input.fileName);
    expect(path.basename(root.dir)).toBe("données");
    expect(fs.readFileSync(path.join(root.dir, "run.sh"), "utf8")).toBe("echo ok\n");
  });

  it("a lone script whose name is not UTF-8, given as its bytes: a job of its own that runs it under its Latin-1 reading", async () => {
    fs.writeFileSync(Buffer.from(`${dir}/r\xe9glage.sh`, "latin1"), "#!/bin/sh\necho ok\n");
    const input = await readJobInput(`${dir}/r\udce9glage.sh`, async () => "proc_config.cfg");
    const root = await unpack(input.zip, input.fileName);
    expect(fs.readFileSync(path.join(root.dir, "réglage.sh"), "utf8")).toBe("#!/bin/sh\necho ok\n");
    expect(parseJobInfo("proc_config.cfg", fs.readFileSync(path.join(root.dir, "proc_config.cfg"), "utf8")).script).toContain("réglage.sh");
  });

  it("a lone script: a job of its own, with the info file the server's job_file names", async () => {
    const script = path.join(dir, "analysis.py");
    fs.writeFileSync(script, "print('hello')\n");
    for (const jobFile of ["proc_config.cfg", "job.xml"]) {
      const input = await readJobInput(script, async () => jobFile);
      const root = await unpack(input.zip, input.fileName);
      expect(root.name).toBe("analysis");
      expect(parseJobInfo(jobFile, fs.readFileSync(path.join(root.dir, jobFile), "utf8")).script).toBe("python3 analysis.py");
      expect(fs.readFileSync(path.join(root.dir, "analysis.py"), "utf8")).toBe("print('hello')\n");
      fs.rmSync(path.join(dir, "extracted"), { recursive: true });
    }
  });

  it("a script with #QM lines is sent as it is, for the server to read its directives", async () => {
    const script = path.join(dir, "fit.sh");
    fs.writeFileSync(script, "#!/bin/sh\n# fit the series\n#QM nb_proc=2\necho fit\n");
    const input = await readJobInput(script, async () => {
      throw new Error("no info file is written for it");
    });
    expect(input).toMatchObject({ fileName: "fit.sh", notes: [] });
    expect(input.zip.toString()).toBe("#!/bin/sh\n# fit the series\n#QM nb_proc=2\necho fit\n");
  });

  it("a zip made beforehand is sent as it is", async () => {
    const zip = path.join(dir, "ready.zip");
    fs.writeFileSync(zip, Buffer.from("PK\u0005\u0006" + "\0".repeat(18), "binary"));
    const input = await readJobInput(zip, async () => "proc_config.cfg");
    expect(input).toMatchObject({ fileName: "ready.zip", notes: [] });
    expect(input.zip.equals(fs.readFileSync(zip))).toBe(true);
  });

  it("--wrap: the command line as wrap.sh in a job of its own, run with sh, whatever its quotes, % and lines", async () => {
    const command = `printf '%s %d%%\\n' "it's" 100 > out.txt\necho "second line" >> out.txt   \n`;
    for (const jobFile of ["proc_config.cfg", "job.xml"]) {
      const input = wrapInput(command, jobFile, "sweep-3");
      expect(input.fileName).toBe("sweep-3.zip");
      const root = await unpack(input.zip, input.fileName);
      expect(root.name).toBe("sweep-3");
      const script = parseJobInfo(jobFile, fs.readFileSync(path.join(root.dir, jobFile), "utf8")).script;
      expect(script).toBe("sh wrap.sh");
      expect(spawnSync("sh", ["-c", script], { cwd: root.dir }).status).toBe(0);
      expect(fs.readFileSync(path.join(root.dir, "out.txt"), "utf8")).toBe("it's 100%\nsecond line\n");
      fs.rmSync(path.join(dir, "extracted"), { recursive: true });
    }
    expect(() => wrapInput("  ", "proc_config.cfg")).toThrow("--wrap needs a command");
    expect(() => wrapInput("true", "proc_config.cfg", "../up")).toThrow(/--name takes letters/);
  });
});

describe("what qm submit cannot read", () => {
  function io(): CliIo & { stderr: string[] } {
    const stderr: string[] = [];
    return { env: { QM_URL: "http://127.0.0.1:9", HOME: dir } as unknown as NodeJS.ProcessEnv, stderr, out: () => undefined, err: (t) => stderr.push(t), prompt: async () => "", sleep: async () => undefined };
  }

  it("a device or a named pipe is refused as not a job, at once (/dev/null gave a zip error, a pipe hung)", { timeout: 10_000 }, async () => {
    const fifo = path.join(dir, "fifo");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    for (const [file, kind] of [["/dev/null", "a device"], [fifo, "a named pipe"]]) {
      const x = io();
      expect(await run(["submit", file], x)).toBe(2);
      expect(x.stderr).toEqual([`qm submit: ${file}: ${kind}, not a job: give a job folder, a .zip or a script`]);
    }
  });

  it("a file of a folder that its user may not read is named as in the folder, with what to do, not as EACCES", () => {
    // As root every file is readable: the command runs as nobody, on a folder of nobody's.
    const job = path.join(dir, "job");
    fs.mkdirSync(job);
    fs.writeFileSync(path.join(job, "proc_config.cfg"), "[QMOptions]\nscript : sh run.sh\n");
    fs.writeFileSync(path.join(job, "locked.dat"), "secret", { mode: 0o000 });
    for (const p of [dir, job, path.join(job, "proc_config.cfg"), path.join(job, "locked.dat")]) fs.chownSync(p, 65534, 65534);
    // tsx from this checkout (the command runs in the job's parent folder).
    const tsx = pathToFileURL(createRequire(import.meta.url).resolve("tsx")).href;
    const qm = spawnSync(process.execPath, ["--import", tsx, path.resolve("cli/main.ts"), "submit", "job"], {
      cwd: dir,
      uid: 65534,
      gid: 65534,
      env: { PATH: process.env.PATH, HOME: dir, QM_URL: "http://127.0.0.1:9" } as unknown as NodeJS.ProcessEnv,
      encoding: "utf8",
    });
    expect(qm.stderr).toBe("qm submit: job: cannot read job/locked.dat (permission denied); make it readable to you (chmod u+r), or move it out of the folder\n");
    expect(qm.status).toBe(1);
  });
});
