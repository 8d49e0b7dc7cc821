/**
 * The documentation's curl examples, run as written against a QueueManager of this test's
 * own (`npm start`'s programs on a fresh QM_FOLDER and database, no administrator yet), so
 * the docs cannot drift from the API. Placeholders are filled the way a reader would:
 * `$QM` is the server, `PASSWORD` the administrator's password (created by the docs' own
 * setup line), `17` a job in the state the example needs, `<version>` and `Zt3...` the
 * values the previous answers gave. Every command must exit 0 with curl's
 * --fail-with-body (an HTTP error fails it). Then Ctrl-C must stop QueueManager cleanly.
 */
import { type ChildProcess, spawn, spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { expect, test } from "@playwright/test";
import { archiveZip } from "../lib/server/zip/zip-fixtures";
import { curlCommands } from "./doc-commands";
import { freePort } from "../scripts/free-port";

const root = path.resolve(import.meta.dirname, "..");
const PASSWORD = "docs-test-password";


let dir: string;
let qm: ChildProcess;
let output = "";
let base: string;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-docs-"));
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const config = ["[QMServer]", `QM_FOLDER = ${path.join(dir, "QM")}`, "MaxNbProcessors = 4", "Settle_Time = 300", "Kill_Grace = 1", "", "[WEB_QMserver]", "Host = 127.0.0.1", `The_Port = ${port}`, ""];
  fs.writeFileSync(path.join(dir, "QMserv.cfg"), config.join("\n"));
  // No QM_ADMIN_PASSWORD: the docs' own setup line creates the administrator.
  const { QM_ADMIN_PASSWORD: _none, ...inherited } = process.env;
  const env = { ...inherited, QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir, DATABASE_URL: `file:${path.join(dir, "qm.db")}`, NEXT_TELEMETRY_DISABLED: "1" };
  // A process group of its own, so that the test can send Ctrl-C as a terminal does.
  qm = spawn(process.execPath, ["--import", "tsx", "scripts/start.ts"], { cwd: root, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  for (const stream of [qm.stdout!, qm.stderr!]) stream.on("data", (c: Buffer) => (output += c.toString()));
  await expect
    .poll(async () => {
      if (qm.exitCode !== null) throw new Error(`QueueManager exited: ${output}`);
      const up = await fetch(`${base}/api/status`).then((r) => r.ok, () => false);
      return up && output.includes("worker started");
    }, { timeout: 90_000, intervals: [250] })
    .toBe(true);
});

test.afterAll(async () => {
  if (qm && qm.exitCode === null && qm.signalCode === null) process.kill(-qm.pid!, "SIGKILL");
  fs.rmSync(dir, { recursive: true, force: true });
});

const admin = { authorization: `Basic ${Buffer.from(`admin:${PASSWORD}`).toString("base64")}` };

async function submit(name: string, script: string, fields: Record<string, string> = {}): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  const zip = await archiveZip([{ name: `${name}/proc_config.cfg`, data: `[QMOptions]\nscript = ${script}\ne_mail = ann@lab.org\n` }]);
  form.append("file", new Blob([new Uint8Array(zip)]), `${name}.zip`);
  const answer = await fetch(`${base}/api/jobs`, { method: "POST", body: form, headers: { "x-qm-csrf": "docs" } });
  expect(answer.status, await answer.clone().text()).toBe(201);
  return ((await answer.json()) as { job: { id: number } }).job.id;
}

async function jobIn(name: string, script: string, state: string, fields: Record<string, string> = {}): Promise<number> {
  const id = await submit(name, script, fields);
  await expect.poll(async () => ((await (await fetch(`${base}/api/jobs/${id}`, { headers: admin })).json()) as { job: { state: string } }).job.state, { timeout: 30_000 }).toBe(state);
  return id;
}

// plots/fit.png is a real (8 x 8) PNG: the thumbnail example makes it smaller.
const PNG_8X8 = "iVBORw0KGgoAAAANSUhEUgAAAAgAAAAICAIAAABLbSncAAAACXBIWXMAAAPoAAAD6AG1e1JrAAAAEUlEQVQImWNQTX6NFTEMLQkADGRcwdaAzYUAAAAASUVORK5CYII=";
// r\xe9sultat.csv: a file named in Latin-1, as older systems wrote (the raw download example).
const RESULTS = `mkdir -p results/plots plots; echo 'processing 1 / 1'; echo 42 > results.txt; echo ${PNG_8X8} | base64 -d > plots/fit.png; echo a > results/plots/a.txt; echo 1,2 > "$(printf 'r\\351sultat.csv')"`;
const FOREVER = "while true; do sleep 0.2; done";

test("every curl line of the docs runs as written, and Ctrl-C then stops QueueManager cleanly", async () => {
  test.setTimeout(240_000);
  const commands = curlCommands(root, ["docs/api.md", "docs/admin.md", "README.md"]);
  // The setup line creates the administrator every other example uses: it goes first.
  commands.sort((a, b) => Number(b.command.includes("/api/auth/setup")) - Number(a.command.includes("/api/auth/setup")));
  expect(commands.length).toBeGreaterThanOrEqual(25);

  const work = path.join(dir, "work");
  fs.mkdirSync(work);
  fs.writeFileSync(path.join(work, "nmr-run.zip"), await archiveZip([{ name: "nmr-run/proc_config.cfg", data: "[QMOptions]\nscript = echo nmr\n" }]));
  fs.copyFileSync(path.join(work, "nmr-run.zip"), path.join(work, "job.zip"));
  fs.writeFileSync(path.join(work, "fit.sh"), "#!/bin/sh\n#QM nb_proc=2\n#QM info=docs example\necho fitted\n");

  let results: number | undefined;
  let held: number | undefined;
  // A job that stays waiting (held) for the priority example: the held one above is released and runs.
  let waiting: number | undefined;
  let arrayId: number | undefined;
  let csrf = "";
  // $QM_TOKEN in the examples: an API token of the administrator, made once the setup line has run.
  let token = "";
  for (const { where, command } of commands) {
    // README examples name the default address; the docs use $QM.
    let line = command.replaceAll("http://localhost:8000", "$QM").replaceAll("PASSWORD", PASSWORD);
    expect(line, `${where} should address the server as $QM`).toMatch(/\$QM\//);
    if (/\/api\/jobs\/17\b/.test(line)) {
      const id = line.includes("/kill")
        ? await jobIn(`kill-${where.replace(/\W/g, "-")}`, FOREVER, "running")
        : line.includes("/priority")
          ? (waiting ??= await jobIn("waiting", "true", "held", { hold: "yes" }))
          : line.includes("/hold") || line.includes("/release")
          ? (held ??= await jobIn("held", "true", "held", { hold: "yes" }))
          : line.includes("DELETE") || line.includes("/requeue")
          ? await jobIn(`done-${where.replace(/\W/g, "-")}`, "true", "done")
          : (results ??= await jobIn("results", RESULTS, "done"));
      line = line.replace(/\/api\/jobs\/17\b/g, `/api/jobs/${id}`);
    }
    if (/\/api\/arrays\/3\b/.test(line)) {
      // An array whose two elements have run: the examples hold (none left to hold) and requeue them.
      if (arrayId === undefined) {
        const first = await jobIn("sweep", "true", "done", { array: "1-2" });
        arrayId = ((await (await fetch(`${base}/api/jobs/${first}`, { headers: admin })).json()) as { job: { arrayId: number } }).job.arrayId;
        await expect.poll(async () => ((await (await fetch(`${base}/api/arrays/${arrayId}`)).json()) as { array: { counts: Record<string, number> } }).array.counts.done, { timeout: 30_000 }).toBe(2);
      }
      line = line.replace(/\/api\/arrays\/3\b/g, `/api/arrays/${arrayId}`);
    }
    if (line.includes("<version>")) {
      const form = (await (await fetch(`${base}/api/config`, { headers: admin })).json()) as { version: string };
      line = line.replace("<version>", form.version);
    }
    line = line.replaceAll("Zt3...", csrf);
    const run = spawnSync("bash", ["-o", "pipefail", "-c", `curl() { command curl --fail-with-body -sS "$@"; }\n${line}`], {
      cwd: work, env: { ...process.env, QM: base, QM_TOKEN: token }, encoding: "utf8", timeout: 30_000,
    });
    expect(run.status, `${where}: ${command}\n${run.stdout}\n${run.stderr}`).toBe(0);
    if (line.includes("/api/auth/login")) csrf = (JSON.parse(run.stdout) as { csrfToken: string }).csrfToken;
    if (line.includes("/api/auth/setup")) {
      const made = await fetch(`${base}/api/account/tokens`, { method: "POST", headers: { ...admin, "content-type": "application/json" }, body: JSON.stringify({ name: "docs" }) });
      token = ((await made.json()) as { token: { token: string } }).token.token;
    }
  }

  // Ctrl-C, as a terminal sends it to the whole foreground process group.
  const exited = new Promise<number | null>((resolve) => qm.once("exit", (code) => resolve(code)));
  process.kill(-qm.pid!, "SIGINT");
  expect(await exited).toBe(0);
  expect(output).toContain("[qm]     SIGINT: stopping web and worker");
  expect(output).toContain("worker stopped");
  expect(output).not.toMatch(/unexpectedly|received again|lost track|restarting it/);
});
