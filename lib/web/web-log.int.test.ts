/** The web server's log says who did what to a job: a submission names its submitter, as a kill does. */
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { BASE, basic, ctx, req, routes, submitJobZip } from "./api-test-harness";
import { jobZip } from "../server/zip/zip-fixtures";

let lines: string[];
beforeEach(() => {
  lines = [];
  const write = process.stdout.write.bind(process.stdout);
  vi.spyOn(process.stdout, "write").mockImplementation((chunk: string | Uint8Array, ...rest: unknown[]) => {
    lines.push(String(chunk));
    return write(chunk, ...(rest as []));
  });
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
