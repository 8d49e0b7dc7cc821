/**
 * QMserv.cfg read again by the web server: a file moved aside is not replaced by the
 * default (which would switch mail off, stop the queue at Min_Free_MB and lose the
 * secrets for the worker too), and a hand edit the admin page would refuse is refused as a
 * whole; the settings in force stay, and the log says why.
 */
import fs from "node:fs";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { basic, cfgPath, errorOf, req, restartWebServer, writeConfig } from "./api-test-harness";
import { getConfig } from "./context";

const configRoute = () => import(/* @vite-ignore */ path.resolve(import.meta.dirname, "../../app/api/config/route.ts")) as Promise<{ GET: (r: Request) => Promise<Response> }>;

/** What the web server wrote on stdout (its log), watched without being replaced. */
let stdout: { mock: { calls: unknown[][] } };
const logged = () => stdout.mock.calls.map((call) => String(call[0])).join("");
beforeEach(() => {
  restartWebServer();
  stdout = vi.spyOn(process.stdout, "write");
});
afterEach(() => {
  vi.restoreAllMocks();
  if (fs.existsSync(`${cfgPath}.aside`)) fs.renameSync(`${cfgPath}.aside`, cfgPath);
  writeConfig();
  restartWebServer();
});

describe("QMserv.cfg read again by the web server", () => {
  it("a file moved aside is not written again: the settings stay and the log says the file is missing", async () => {
    writeConfig({ Refresh_Rate: "7" }, { MaxNbProcessors: "5", MailActive: "True", smtp_password: "s3cret" });
    expect(getConfig().config.maxNbProcessors).toBe(5);
    fs.renameSync(cfgPath, `${cfgPath}.aside`);
    const res = await (await configRoute()).GET(req("/api/config", { headers: basic() }));
    expect(fs.existsSync(cfgPath)).toBe(false);
    expect(res.status).toBe(409);
    expect((await errorOf(res)).message).toContain(`${cfgPath} is missing`);
    const config = getConfig().config;
    expect({ procs: config.maxNbProcessors, mail: config.mailActive, refresh: config.web.refreshRate }).toEqual({ procs: 5, mail: true, refresh: 7 });
    expect(logged()).toContain(`keeping the previous settings until it is fixed: ${cfgPath} is missing`);
  });

  it("a hand edit the editor refuses (Job_Uids = 10-20, Default_Mem above Max_Mem, Host = no such host!) is refused whole, naming the problems", () => {
    writeConfig({}, { MaxNbProcessors: "5" });
    expect(getConfig().config.maxNbProcessors).toBe(5);
    writeConfig({ Host: "no such host!" }, { MaxNbProcessors: "6", Job_Uids: "10-20", Default_Mem: "8G", Max_Mem: "4G" });
    expect(getConfig().config.maxNbProcessors).toBe(5);
    const said = logged();
    expect(said).toContain(`QMserv.cfg is invalid or missing, keeping the previous settings until it is fixed: ${cfgPath}: `);
    expect(said).toMatch(/Job_Uids/);
    expect(said).toContain("Default_Mem (8G) is more than Max_Mem (4G)");
    expect(said).toContain('Host must be a name of this machine');
    writeConfig({}, { MaxNbProcessors: "6" });
    expect(getConfig().config.maxNbProcessors).toBe(6);
  });
});
