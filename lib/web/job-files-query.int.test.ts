/**
 * The job page's Files panel asks for a folder through jobFilesQuery (lib/client), here
 * against the real files route: a path the server refuses (`?file=../../etc/passwd` opens
 * the folder `../../etc`) keeps its refusal shown when the page's queries are fetched again
 * as jobs change (applyChanges, the live stream's handler).
 */
import { QueryObserver } from "@tanstack/react-query";
import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import type { LiveChange, LiveStatus } from "../core/api-types";
import { applyChanges } from "../client/live-updates";
import { makeQueryClient } from "../client/query-client";
import { jobFilesQuery } from "../client/use-job-query";
import { BASE, ctx, makeJob, req, routes } from "./api-test-harness";

const asked: string[] = [];
const change = (jobsVersion: string): LiveChange => ({ jobsVersion, status: { refreshRate: 1 } as LiveStatus });
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeEach(() => {
  asked.length = 0;
  // The browser's fetch, answered by the route handler itself.
  vi.stubGlobal("fetch", async (url: string) => {
    asked.push(url);
    const id = Number(/^\/api\/jobs\/(\d+)\/files/.exec(url)![1]);
    return routes.files(req(new URL(url, BASE).toString().slice(BASE.length)), ctx(id));
  });
});
afterEach(() => vi.unstubAllGlobals());

/** A page's folder query: its observer, settled on its first answer. */
async function folderOf(client: ReturnType<typeof makeQueryClient>, id: number, path: string, folder: string) {
  const observer = new QueryObserver(client, jobFilesQuery(id, path, 60_000, folder));
  const stop = observer.subscribe(() => {});
  for (let i = 0; i < 100 && observer.getCurrentResult().fetchStatus !== "idle"; i++) await sleep(10);
  return { observer, stop };
}

describe("the Files panel's folder query", () => {
  it("keeps a refused path's message when the job changes, and does not ask again; a folder that lists is fetched again", async () => {
    const { job } = await makeJob("done", { "results/fit.txt": "1.5\n" });
    const client = makeQueryClient();
    const changes = applyChanges(client);
    const refused = await folderOf(client, job.id, "../../etc", job.folder);
    const listed = await folderOf(client, job.id, "results", job.folder);
    try {
      expect(refused.observer.getCurrentResult().error?.message).toBe("The path may not contain `..`; it must stay inside the job folder.");
      expect(listed.observer.getCurrentResult().data?.entries.map((e) => e.name)).toEqual(["fit.txt"]);
      expect(asked).toHaveLength(2);
      // Jobs change (the live stream's events): the page's job queries are fetched again.
      changes.onChange(change("1"));
      await sleep(50);
      for (let i = 0; i < 100 && listed.observer.getCurrentResult().fetchStatus !== "idle"; i++) await sleep(10);
      expect(asked.filter((url) => url.includes("path=results"))).toHaveLength(2);
      // Before, the refused folder was asked again too, and its message was gone while it was
      // (for a second, with the retry): at every change of a running job.
      expect(asked.filter((url) => url.includes("etc"))).toHaveLength(1);
      expect(refused.observer.getCurrentResult()).toMatchObject({ status: "error", error: { status: 400 } });
    } finally {
      refused.stop();
      listed.stop();
      changes.stop();
      client.clear();
    }
  });
});
