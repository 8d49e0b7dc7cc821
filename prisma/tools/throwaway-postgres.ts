/**
 * A throw-away PostgreSQL cluster in a temporary folder: initdb, then `postgres` as a
 * child process on a free local port, stopped and removed by stop(). Used by the tests
 * (the PostgreSQL project's global setup) and by `npm run db:migration`, which needs a
 * scratch server to replay the PostgreSQL migrations on. Never touches the system cluster.
 *
 * PostgreSQL refuses to run as root: as root, the server runs as the `postgres` user
 * (setpriv, which execs in place, so the child's pid is the server's own).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { Client } from "pg";
import { freePort } from "../../scripts/free-port";

/** pg, loaded on use: this module is bundled into the worker, which may run on SQLite. */
const loadPg = async () => (await import("pg")).default;

export interface ThrowawayPostgres {
  /** postgresql://qm@127.0.0.1:<port>/<database> (trust authentication: no password). */
  url(database?: string): string;
  /** The same place as separate fields. */
  fields(database?: string): { host: string; port: number; user: string; database: string };
  /** CREATE DATABASE, optionally as a copy of `template`; returns its URL. */
  createDatabase(name: string, template?: string): Promise<string>;
  /** Stop the server (fast shutdown) and remove its folder. Safe to call twice. */
  stop(): Promise<void>;
}

const USER = "qm";

/** The binaries folder of the newest PostgreSQL installed the Debian way, or of pg_config. */
export function postgresBinDir(): string {
  const base = "/usr/lib/postgresql";
  const versions = fs.existsSync(base) ? fs.readdirSync(base).filter((v) => fs.existsSync(path.join(base, v, "bin/postgres"))) : [];
  if (versions.length) return path.join(base, versions.sort((a, b) => Number(b) - Number(a))[0], "bin");
  try {
    const dir = execFileSync("pg_config", ["--bindir"], { encoding: "utf8" }).trim();
    if (fs.existsSync(path.join(dir, "postgres"))) return dir;
  } catch {
    // no pg_config either
  }
  throw new Error("PostgreSQL server binaries not found (looked in /usr/lib/postgresql/*/bin and pg_config --bindir): install them with `apt-get install postgresql`");
}


/** As root: the command run as `postgres`, owning `dir`. Otherwise: as is. */
function asServerUser(dir: string, command: string, args: string[]): [string, string[]] {
  if (process.getuid?.() !== 0) return [command, args];
  const id = (flag: string) => execFileSync("id", [flag, "postgres"], { encoding: "utf8" }).trim();
  const [uid, gid] = [Number(id("-u")), Number(id("-g"))];
  fs.chownSync(dir, uid, gid);
  return ["setpriv", [`--reuid=${uid}`, `--regid=${gid}`, "--init-groups", command, ...args]];
}

async function waitReady(url: string, server: ChildProcess, output: () => string): Promise<void> {
  const pg = await loadPg();
  const end = Date.now() + 30_000;
  for (;;) {
    if (server.exitCode !== null || server.signalCode !== null) throw new Error(`postgres exited at start: ${output()}`);
    const client = new pg.Client({ connectionString: url });
    try {
      await client.connect();
      await client.end();
      return;
    } catch (error) {
      await client.end().catch(() => undefined);
      if (Date.now() > end) throw new Error(`postgres did not accept connections within 30 s (${(error as Error).message}): ${output()}`);
      await new Promise((r) => setTimeout(r, 100));
    }
  }
}

/** Create and start a cluster; `label` names its temporary folder. */
export async function startThrowawayPostgres(label = "qm-pg"): Promise<ThrowawayPostgres> {
  const bin = postgresBinDir();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `${label}-`));
  const data = path.join(dir, "data");
  const [initCommand, initArgs] = asServerUser(dir, path.join(bin, "initdb"), ["-D", data, "-A", "trust", "-U", USER, "-E", "UTF8", "--locale=C", "--no-sync"]);
  try {
    execFileSync(initCommand, initArgs, { cwd: dir, stdio: "pipe" });
  } catch (error) {
    fs.rmSync(dir, { recursive: true, force: true });
    throw new Error(`initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? (error as Error).message}`);
  }
  // A test server: durability is not wanted, speed is.
  const settings = ["listen_addresses=127.0.0.1", "fsync=off", "synchronous_commit=off", "full_page_writes=off", "max_connections=300", "log_min_messages=fatal"];
  for (let attempt = 1; ; attempt++) {
    const port = await freePort();
    const [command, args] = asServerUser(dir, path.join(bin, "postgres"), ["-D", data, "-p", String(port), "-k", dir, ...settings.flatMap((s) => ["-c", s])]);
    const server = spawn(command, args, { cwd: dir, stdio: ["ignore", "pipe", "pipe"] });
    let output = "";
    server.stdout!.on("data", (c: Buffer) => (output += c.toString()));
    server.stderr!.on("data", (c: Buffer) => (output += c.toString()));
    const exited = new Promise<void>((resolve) => server.once("exit", () => resolve()));
    const url = (database = "postgres") => `postgresql://${USER}@127.0.0.1:${port}/${database}`;
    try {
      await waitReady(url(), server, () => output);
    } catch (error) {
      server.kill("SIGKILL");
      await exited;
      // Another program took the port between freePort() and the server's bind: try another.
      if (attempt < 3 && /could not (bind|create listen)/i.test(output)) continue;
      fs.rmSync(dir, { recursive: true, force: true });
      throw error;
    }
    let stopped: Promise<void> | undefined;
    return {
      url,
      fields: (database = "postgres") => ({ host: "127.0.0.1", port, user: USER, database }),
      async createDatabase(name, template) {
        const admin: Client = new (await loadPg()).Client({ connectionString: url() });
        await admin.connect();
        try {
          await admin.query(`CREATE DATABASE "${name}"${template ? ` TEMPLATE "${template}"` : ""}`);
        } finally {
          await admin.end();
        }
        return url(name);
      },
      stop() {
        stopped ??= (async () => {
          // SIGINT is PostgreSQL's fast shutdown: clients are disconnected, nothing waits.
          if (server.exitCode === null && server.signalCode === null) server.kill("SIGINT");
          const timer = setTimeout(() => server.kill("SIGKILL"), 10_000);
          await exited;
          clearTimeout(timer);
          fs.rmSync(dir, { recursive: true, force: true });
        })();
        return stopped;
      },
    };
  }
}
