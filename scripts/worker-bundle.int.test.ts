/**
 * The bundled worker (dist/worker/main.mjs) as a service manager starts it: alone, on a
 * database that does not exist yet, so that it migrates and runs the first start's history
 * import itself, through the Prisma client bundled into one of its chunks (whose query
 * compiler is a file read from beside that chunk: scripts/build-worker.ts).
 */
import { type ChildProcess, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";
import { buildIfNeeded } from "./build-if-needed";
import { workerCommand } from "./build-worker";

let dir: string;
let worker: ChildProcess | undefined;

afterEach(async () => {
  if (worker && worker.exitCode === null && worker.signalCode === null) {
    const exited = new Promise((r) => worker!.once("exit", r));
    worker.kill("SIGTERM");
    await exited;
  }
  fs.rmSync(dir, { recursive: true, force: true });
});

describe("the bundled worker", () => {
  it("starts alone on a new database: it migrates, imports the folders already done, and runs a job", { timeout: 90_000 }, async () => {
    buildIfNeeded(projectRoot); // a no-op after `npm test`'s build stage
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-bundle-"));
    fs.chmodSync(dir, 0o755);
    const qm = path.join(dir, "QM");
    // A job that QM 0.4 finished before this worker's first start: the history import takes it in.
    fs.mkdirSync(path.join(qm, "QM_dJobs", "old-run"), { recursive: true });
    fs.writeFileSync(path.join(qm, "QM_dJobs", "old-run", "proc_config.cfg"), "[QMOptions]\nscript = true\n");
    fs.writeFileSync(path.join(qm, "QM_dJobs", "old-run", "process.log"), "done\n");
    fs.writeFileSync(path.join(dir, "QMserv.cfg"), `[QMServer]\nQM_FOLDER = ${qm}\nMaxNbProcessors = 1\nSettle_Time = 0\n`);
    const { command, args, env } = workerCommand(projectRoot);
    let output = "";
    worker = spawn(command, args, {
      cwd: projectRoot,
      env: { ...process.env, ...env, QM_CONFIG: path.join(dir, "QMserv.cfg"), QM_DATA: dir, DATABASE_URL: `file:${path.join(dir, "qm.db")}`, QM_SKIP_MIGRATE: "" },
      stdio: ["ignore", "pipe", "pipe"],
    });
    for (const stream of [worker.stdout!, worker.stderr!]) stream.on("data", (d: Buffer) => (output += d.toString()));
    const deadline = Date.now() + 60_000;
    while (!output.includes("worker started") && worker.exitCode === null && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(output, output).toContain("worker started");
    expect(output).not.toMatch(/cannot start/);
    // Imported through Prisma at the first start, then a new job runs to its end, without
    // the worker's own tuning in its environment (lib/server/service-env.ts).
    fs.mkdirSync(path.join(dir, "drop"));
    fs.writeFileSync(path.join(dir, "drop", "proc_config.cfg"), "[QMOptions]\nscript = echo ran with MALLOC_ARENA_MAX=${MALLOC_ARENA_MAX-unset}\n");
    fs.renameSync(path.join(dir, "drop"), path.join(qm, "QM_qJobs", "fresh"));
    // Finished folders are named <end time>-<name>.
    const finished = () => fs.readdirSync(path.join(qm, "QM_dJobs")).find((n) => n.endsWith("-fresh"));
    while (!finished() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(finished(), output).toBeDefined();
    expect(fs.readFileSync(path.join(qm, "QM_dJobs", finished()!, "process.log"), "utf8")).toContain("ran with MALLOC_ARENA_MAX=unset");
    // An XML info file: its parser is loaded on first use, from beside the bundle's chunk.
    fs.mkdirSync(path.join(dir, "drop-xml"));
    fs.writeFileSync(path.join(dir, "drop-xml", "job.xml"), `<PARAMETER><script value="echo from-xml"/></PARAMETER>\n`);
    fs.renameSync(path.join(dir, "drop-xml"), path.join(qm, "QM_qJobs", "xml"));
    const finishedXml = () => fs.readdirSync(path.join(qm, "QM_dJobs")).find((n) => n.endsWith("-xml"));
    while (!finishedXml() && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100));
    expect(finishedXml(), output).toBeDefined();
    expect(fs.readFileSync(path.join(qm, "QM_dJobs", finishedXml()!, "process.log"), "utf8")).toContain("from-xml");
    // The C spawner started it (this machine has a compiler), not the Perl fallback.
    expect(output).not.toMatch(/Perl spawner/);
    const Database = (await import("better-sqlite3")).default;
    const db = new Database(path.join(dir, "qm.db"), { readonly: true });
    try {
      const rows = db.prepare(`SELECT "name", "state" FROM "Job" ORDER BY "id"`).all() as { name: string; state: string }[];
      expect(rows.map((r) => r.name)).toEqual(["old-run", "fresh", "xml"]);
    } finally {
      db.close();
    }
  });

  it("loads neither zod nor the XML parser at its start: what it imports statically, chunk by chunk", () => {
    buildIfNeeded(projectRoot);
    const dist = path.join(projectRoot, "dist/worker");
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string) => {
      if (seen.has(file)) return;
      seen.add(file);
      for (const [, from] of fs.readFileSync(file, "utf8").matchAll(/^import\s[^;]*?from\s*"([^"]+)";/gms)) {
        if (from.startsWith("./") || from.startsWith("../")) visit(path.resolve(path.dirname(file), from));
        else packages.add(from);
      }
    };
    visit(path.join(dist, "main.mjs"));
    expect(seen.size).toBeGreaterThan(1);
    expect([...packages]).toContain("node:fs");
    // Each would cost the idle worker 1.6-4.5 MB (docs/performance.md, memory).
    expect([...packages].filter((p) => ["zod", "fast-xml-parser"].includes(p))).toEqual([]);
  });
});
