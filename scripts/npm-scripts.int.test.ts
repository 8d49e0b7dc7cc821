/**
 * `npm run web:prod` and `npm run worker:prod` as an operator stops them: SIGTERM (or
 * SIGINT, SIGHUP) to npm leaves nothing running, and neither does npm killed outright
 * (SIGKILL), nor the web script between npm and the server. (`npm start`: start.int.test.ts.)
 */
import net from "node:net";
import { afterEach, beforeAll, describe, expect, it } from "vitest";
import { projectRoot } from "../lib/server/bootstrap";
import { buildIfNeeded } from "./build-if-needed";
import { type NpmRun, cmdline, processesWith, startNpmScript, until } from "./npm-processes";
import { SERVICE_ENV } from "../lib/server/service-env";

const PORT = 8453;
let run: NpmRun | undefined;

beforeAll(() => buildIfNeeded(projectRoot), 600_000); // a no-op after `npm test`'s build stage

afterEach(() => {
  run?.cleanUp();
  run = undefined;
});

const webUp = async () => (await fetch(`http://127.0.0.1:${PORT}/api/status`)).status === 200;
const find = (r: NpmRun, part: string) => r.processes().find((pid) => cmdline(pid).includes(part));

describe("npm run web:prod and worker:prod", () => {
  for (const signal of ["SIGTERM", "SIGINT", "SIGHUP"] as const) {
    it(`${signal} to npm run web:prod stops the web server behind it`, async () => {
      const r = (run = startNpmScript("web:prod", PORT));
      await until("the web server", webUp, r);
      const server = find(r, "dist/web/server.mjs");
      expect(server).toBeDefined();
      // Started with the services' own environment (two malloc arenas: lib/server/service-env.ts).
      expect(processesWith(`MALLOC_ARENA_MAX=${SERVICE_ENV.MALLOC_ARENA_MAX}`)).toContain(server);
      r.npm.kill(signal);
      await until("nothing left running", () => r.processes().length === 0, r, 20_000);
    }, 120_000);
  }

  it("SIGKILL to npm, or to the script between npm and the server, stops the server", async () => {
    let r = (run = startNpmScript("web:prod", PORT));
    await until("the web server", webUp, r);
    r.npm.kill("SIGKILL");
    await until("nothing left running", () => r.processes().length === 0, r, 20_000);
    r.cleanUp();

    r = run = startNpmScript("web:prod", PORT);
    await until("the web server", webUp, r);
    process.kill(find(r, "scripts/web.ts")!, "SIGKILL");
    await until("the server gone", () => !find(r, "dist/web/server.mjs"), r, 20_000);
  }, 120_000);

  it("a port another program holds: the web server stops saying so and what to change", async () => {
    const other = net.createServer();
    await new Promise<void>((resolve) => other.listen(PORT, "127.0.0.1", resolve));
    try {
      const r = (run = startNpmScript("web:prod", PORT));
      const code = await new Promise<number | null>((resolve) => r.npm.once("exit", resolve));
      expect(code).not.toBe(0);
      expect(r.output()).toContain(`web server cannot start: 127.0.0.1:${PORT} is taken by another program (another QueueManager, or an earlier one still stopping?): stop it, or set another The_Port (or Host) in the [WEB_QMserver] section of QMserv.cfg`);
    } finally {
      other.close();
    }
  }, 120_000);

  it("a Host no resolver knows: the web server stops saying so and what to write instead", async () => {
    const r = (run = startNpmScript("web:prod", PORT, "no-such-host.invalid"));
    const code = await new Promise<number | null>((resolve) => r.npm.once("exit", resolve));
    expect(code).not.toBe(0);
    expect(r.output()).toMatch(/web server cannot start: Host = no-such-host\.invalid is not a name this machine can look up \((ENOTFOUND|EAI_AGAIN)\): set Host in the \[WEB_QMserver\] section of QMserv\.cfg to localhost, an address of this machine, or 0\.0\.0\.0 for every network/);
  }, 120_000);

  it("SIGTERM to npm run worker:prod stops the worker; so does npm killed outright", async () => {
    let r = (run = startNpmScript("worker:prod", PORT));
    await until("the worker", () => r.output().includes("worker started"), r);
    // Started with the services' own environment (two malloc arenas: lib/server/service-env.ts).
    expect(processesWith(`MALLOC_ARENA_MAX=${SERVICE_ENV.MALLOC_ARENA_MAX}`)).toContain(find(r, "dist/worker/main.mjs"));
    r.npm.kill("SIGTERM");
    await until("nothing left running", () => r.processes().length === 0, r, 20_000);
    r.cleanUp();

    r = run = startNpmScript("worker:prod", PORT);
    await until("the worker", () => r.output().includes("worker started"), r);
    r.npm.kill("SIGKILL");
    await until("nothing left running", () => r.processes().length === 0, r, 20_000);
  }, 120_000);
});
