/**
 * The web server's log says who did what to a job: a submission names its submitter, as a
 * kill does; a QMserv.cfg that does not read is said once, not at every request.
 */
import fs from "node:fs";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BASE, basic, cfgPath, ctx, req, routes, submitJobZip, writeConfig } from "./api-test-harness";
import { jobZip } from "../server/zip/zip-fixtures";

let lines: string[];
beforeEach(() => {
  lines = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
  // The web server sends console.error through its logger (scripts/web-server.ts).
  vi.spyOn(console, "error").mockImplementation((...args: unknown[]) => void lines.push(args.join(" ")));
});
afterEach(() => vi.restoreAllMocks());

describe("the web server's log of a submission", () => {
  it("names the account that submitted, or says it was a visitor", async () => {
    const anonymous = await submitJobZip("by-visitor");
    const form = new FormData();
    form.append("file", new Blob([new Uint8Array(jobZip({ folder: "by-admin" }))], { type: "application/zip" }), "by-admin.zip");
    const res = await routes.submit(req("/api/jobs", { method: "POST", body: form, headers: { ...basic(), "x-qm-csrf": "1", origin: BASE } }), ctx(0));
    expect(res.status).toBe(201);
    const mine = ((await res.json()) as { job: { id: number } }).job.id;
    expect(lines.some((l) => l.includes(`job=${anonymous} submitted by a visitor (not logged in): QM_qJobs/by-visitor`))).toBe(true);
    expect(lines.some((l) => l.includes(`job=${mine} submitted by admin: QM_qJobs/by-admin`))).toBe(true);
  });
});

describe("the web server's log of a QMserv.cfg edited by hand into an error", () => {
  it("says it once per version of the file, not at every request, and keeps serving", async () => {
    await routes.status(req("/api/status"), ctx(0)); // the good file is read
    const refused = () => lines.filter((l) => l.includes("QMserv.cfg is invalid or missing")).length;
    const breakFile = (value: string) => {
      fs.writeFileSync(cfgPath, fs.readFileSync(cfgPath, "utf8").replace(/^\[QMServer\]$/m, `[QMServer]\nMin_Free_MB = ${value}`));
      const t = new Date(Date.now() + 3_600_000 + value.length * 1000);
      fs.utimesSync(cfgPath, t, t);
    };
    breakFile("two");
    for (let i = 0; i < 5; i++) expect((await routes.status(req("/api/status"), ctx(0))).status).toBe(200);
    expect(refused()).toBe(1);
    expect(lines.find((l) => l.includes("QMserv.cfg is invalid or missing"))).toMatch(/keeping the previous settings until it is fixed: QMserv.cfg: Min_Free_MB must be a whole number/);
    writeConfig(); // fixed, then broken again: said again
    await routes.status(req("/api/status"), ctx(0));
    breakFile("three");
    await routes.status(req("/api/status"), ctx(0));
    expect(refused()).toBe(2);
  });
});
