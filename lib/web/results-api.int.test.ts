/**
 * The results routes below HTTP, on real folders and a real database: thumbnails (made
 * by the thumbnailer process, cached, refused for what is not a picture or not
 * servable), the results strip, any file as text by offset, progress samples written by
 * the job store, and compare.
 */
import fs from "node:fs";
import path from "node:path";
import sharp from "sharp";
import { beforeAll, describe, expect, it } from "vitest";
import { type Handler, ctx, db, errorOf, makeJob, qm, req, store, writeConfig } from "./api-test-harness";

let api: Record<"thumbnail" | "results" | "text" | "progress" | "compare", Handler>;
beforeAll(async () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const load = async (p: string) => ((await import(/* @vite-ignore */ path.join(root, "app/api", p, "route.ts"))) as { GET: Handler }).GET;
  api = {
    thumbnail: await load("jobs/[id]/files/thumbnail"),
    results: await load("jobs/[id]/results"),
    text: await load("jobs/[id]/files/text"),
    progress: await load("jobs/[id]/progress"),
    compare: await load("compare"),
  };
});

/** Info keys as an info file would have given them (rows come from makeJob with fixed keys). */
const setParams = (id: number, params: Record<string, string>) => db.job.update({ where: { id }, data: { params: JSON.stringify(params) } });
const png = (width: number, height: number) => sharp({ create: { width, height, channels: 3, background: "#2563eb" } }).png().toBuffer();
const get = (handler: Handler, id: number, url: string, headers: Record<string, string> = {}) => handler(req(url, { headers }), ctx(id));

describe("thumbnails", () => {
  it("are made smaller once, cached under .qm/thumbs, and answered 304 to a browser that has them", async () => {
    const { job, full } = await makeJob("done");
    fs.writeFileSync(path.join(full, "fit.png"), await png(2400, 1200));
    const url = `/api/jobs/${job.id}/files/thumbnail?path=fit.png`;
    const res = await get(api.thumbnail, job.id, url);
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toBe("image/webp");
    const meta = await sharp(Buffer.from(await res.arrayBuffer())).metadata();
    expect([meta.format, meta.width, meta.height]).toEqual(["webp", 320, 160]);
    const cached = fs.readdirSync(path.join(qm, ".qm/thumbs", String(job.id)));
    expect(cached).toEqual([expect.stringMatching(/^[0-9a-f]{32}\.webp$/)]);
    const again = await get(api.thumbnail, job.id, url, { "if-none-match": res.headers.get("etag")! });
    expect(again.status).toBe(304);
    const preview = await get(api.thumbnail, job.id, `${url}&size=preview`);
    expect((await sharp(Buffer.from(await preview.arrayBuffer())).metadata()).width).toBe(1600);
  });

  it("refuse what is not a picture, says why, and remember it; refuse links out and SVG", async () => {
    const { job, full } = await makeJob("done", { "fake.png": "<html><script>alert(1)</script></html>", "plot.svg": "<svg/>" });
    fs.symlinkSync("/etc/passwd", path.join(full, "out.png"));
    const fake = await get(api.thumbnail, job.id, `/api/jobs/${job.id}/files/thumbnail?path=fake.png`);
    expect(fake.status).toBe(400);
    expect((await errorOf(fake)).message).toMatch(/"fake.png" cannot be shown as a picture: it is not a picture QueueManager can read/);
    expect(fs.readdirSync(path.join(qm, ".qm/thumbs", String(job.id)))).toEqual([expect.stringMatching(/\.err$/)]);
    expect((await get(api.thumbnail, job.id, `/api/jobs/${job.id}/files/thumbnail?path=fake.png`)).status).toBe(400);
    expect((await get(api.thumbnail, job.id, `/api/jobs/${job.id}/files/thumbnail?path=out.png`)).status).toBe(403);
    expect((await errorOf(await get(api.thumbnail, job.id, `/api/jobs/${job.id}/files/thumbnail?path=plot.svg`))).message).toMatch(/only those are made smaller/);
  });
});

describe("the results strip", () => {
  it("shows the pictures of the folder and one level down, or the files the results key names", async () => {
    const { job, full } = await makeJob("done", { "a.png": "x", "notes.txt": "x", "plots/b 2.svg": "x", "plots/b 10.png": "x", "plots/deep/c.png": "x", "t.csv": "1" });
    fs.symlinkSync("/etc/passwd", path.join(full, "link.png"));
    const strip = async (id: number) => (await (await get(api.results, id, `/api/jobs/${id}/results`)).json()) as { files: { path: string; kind: string }[]; more: number; source: string };
    expect(await strip(job.id)).toEqual({ files: [{ path: "a.png", kind: "image" }, { path: "plots/b 2.svg", kind: "svg" }, { path: "plots/b 10.png", kind: "image" }], more: 0, source: "pictures" });

    const named = await makeJob("done", { "fit.png": "x", "table.csv": "1", "plots/p1.png": "x", "plots/p2.png": "x", "other.png": "x" });
    await setParams(named.job.id, { script: "x", results: "table.csv, fit.png, missing.png, plots/*.png, ../x.png" });
    expect((await strip(named.job.id)).files.map((f) => f.path)).toEqual(["table.csv", "fit.png", "plots/p1.png", "plots/p2.png"]);
  });
});

describe("any file as text", () => {
  it("reads from the start, to the end of an unfinished last line, follows growth, and tells binary files", async () => {
    const { job, full } = await makeJob("running", { "out.txt": "one\ntwo" });
    const text = async (query: string) => (await (await get(api.text, job.id, `/api/jobs/${job.id}/files/text?path=out.txt${query}`)).json()) as { text: string; nextOffset: number; binary: boolean };
    const first = await text("");
    expect(first).toMatchObject({ text: "one\ntwo", nextOffset: 7, binary: false });
    fs.appendFileSync(path.join(full, "out.txt"), "\nthree\n");
    expect((await text(`&offset=${first.nextOffset}`)).text).toBe("\nthree\n");
    fs.writeFileSync(path.join(full, "data.bin"), Buffer.from([1, 0, 2, 10]));
    expect(((await (await get(api.text, job.id, `/api/jobs/${job.id}/files/text?path=data.bin`)).json()) as { binary: boolean }).binary).toBe(true);
    expect((await get(api.text, job.id, `/api/jobs/${job.id}/files/text?path=../../QMserv.cfg`)).status).toBe(400);
  });
});

describe("progress over time", () => {
  it("keeps a sample per change of the running job, thinned, and answers the current run's, newer than ?since=", async () => {
    const { job } = await makeJob("running");
    const t0 = Date.now();
    const at = (s: number) => new Date(t0 + s * 1000);
    expect(await store.recordProgress(job.id, { state: "running" }, 10, at(1))).toBe(true);
    expect(await store.recordProgress(job.id, { state: "running" }, 12, at(1.5))).toBe(true); // changed, but under a second later: no sample
    expect(await store.recordProgress(job.id, { state: "running" }, 20, at(3))).toBe(true);
    const answer = async (query = "") => (await (await get(api.progress, job.id, `/api/jobs/${job.id}/progress${query}`)).json()) as { samples: { at: string; percent: number }[] };
    const { samples } = await answer();
    expect(samples.map((s) => s.percent)).toEqual([10, 20]);
    expect((await answer(`?since=${encodeURIComponent(samples[0].at)}`)).samples.map((s) => s.percent)).toEqual([20]);
    const { job: done } = await makeJob("done");
    expect(await store.recordProgress(done.id, { state: "running" }, 50)).toBe(false);
  });
});

describe("compare", () => {
  it("shows each job with its keys and files, reports one it cannot show, and reads ranges and arrays", async () => {
    writeConfig();
    const a = await makeJob("done", { "fit.png": "x", "sub/out.txt": "1\n" });
    const b = await makeJob("done", { "fit.png": "y" });
    await setParams(b.job.id, { script: "sh run.sh", alpha: "0.2" });
    const res = await get(api.compare, 0, `/api/compare?ids=${a.job.id},${b.job.id},999999`);
    expect(res.status).toBe(200);
    const { runs } = (await res.json()) as { runs: { id: number; job: { params: Record<string, string> } | null; error?: string; files: { path: string }[] | null }[] };
    expect(runs.map((r) => r.id)).toEqual([a.job.id, b.job.id, 999999]);
    expect(runs[1].job!.params.alpha).toBe("0.2");
    expect(runs[0].files!.map((f) => f.path).sort()).toEqual(["fit.png", "proc_config.cfg", "sub/out.txt"]);
    expect(runs[2]).toMatchObject({ job: null, error: expect.stringMatching(/There is no job 999999/) });
    expect((await errorOf(await get(api.compare, 0, "/api/compare?ids=1-50"))).message).toMatch(/at most 12/);
    expect((await get(api.compare, 0, "/api/compare?array=424242")).status).toBe(404);
  });

  it("?array= compares the finished elements of an array, by index", async () => {
    const array = await db.jobArray.create({ data: { name: "sweep", spec: "1-3" } });
    const elements = [];
    for (const [index, state] of [[2, "done"], [1, "failed"], [3, "running"]] as const) {
      const { job } = await makeJob(state);
      await db.job.update({ where: { id: job.id }, data: { arrayId: array.id, arrayIndex: index } }); // as the array's submission sets them
      elements.push({ id: job.id, index, state });
    }
    const { runs } = (await (await get(api.compare, 0, `/api/compare?array=${array.id}`)).json()) as { runs: { id: number }[] };
    const finished = elements.filter((e) => e.state !== "running").sort((a, b) => a.index - b.index);
    expect(runs.map((r) => r.id)).toEqual(finished.map((e) => e.id));
  });

  it("?array= of more finished elements than fit names those left out", async () => {
    // A 15-element sweep compared from its array page showed 12 runs and said nothing of
    // the other three (its failed element 13 among them).
    const array = await db.jobArray.create({ data: { name: "sweep", spec: "1-15" } });
    const ids: number[] = [];
    for (let index = 15; index >= 1; index--) {
      const { job } = await makeJob(index === 13 ? "failed" : "done");
      await db.job.update({ where: { id: job.id }, data: { arrayId: array.id, arrayIndex: index } });
      ids[index - 1] = job.id;
    }
    const answer = (await (await get(api.compare, 0, `/api/compare?array=${array.id}`)).json()) as { runs: { id: number }[]; leftOut?: number[] };
    expect(answer.runs.map((r) => r.id)).toEqual(ids.slice(0, 12));
    expect(answer.leftOut).toEqual(ids.slice(12));
    const few = (await (await get(api.compare, 0, `/api/compare?ids=${ids[0]},${ids[1]}`)).json()) as { leftOut?: number[] };
    expect(few.leftOut).toBeUndefined();
  });
});
