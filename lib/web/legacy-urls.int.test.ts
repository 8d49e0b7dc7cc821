/** The Python QM's addresses redirect to the jobs they name (lib/web/legacy-urls.ts). */
import fs from "node:fs";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { basicAs, db, errorOf, makeJob, req, writeConfig } from "./api-test-harness";
import type { LegacyRouteContext } from "./legacy-urls";

type Route = (request: Request, context: LegacyRouteContext) => Promise<Response>;
let browse: Route;
let view: Route;
let download: Route;
let dashboard: (request: Request) => Response;

beforeAll(async () => {
  const root = path.resolve(import.meta.dirname, "../..");
  const load = async (p: string) => (await import(/* @vite-ignore */ path.join(root, "app", p, "route.ts"))).GET;
  [browse, view, download, dashboard] = await Promise.all(["QM_dJobs/[...path]", "view/[...path]", "download/[...path]", "QM"].map(load));
  [kill, remove] = await Promise.all(["kill/[...path]", "delete/[...path]"].map(load));
  [browseQueued, browseRunning, browseLost, queueListing] = await Promise.all(["QM_qJobs/[...path]", "QM_Jobs/[...path]", "QM_lost+found/[...path]", "QM_lost+found"].map(load));
});
let browseQueued: Route;
let browseRunning: Route;
let browseLost: Route;
let queueListing: (request: Request) => Response;
let kill: Route;
let remove: Route;

const at = (...segments: string[]) => ({ params: Promise.resolve({ path: segments }) });
const location = (res: Response) => (res.headers.get("location") ? new URL(res.headers.get("location")!).pathname + new URL(res.headers.get("location")!).search : null);

describe("old QM addresses", () => {
  it("/QM goes to the dashboard; /QM_dJobs, /view and /download go to the job, its files, its zip", async () => {
    expect(location(dashboard(req("/QM")))).toBe("/");
    const { job, full } = await makeJob("done", { "process.log": "done\n", "results/fit.txt": "1.5\n" });
    const folderName = path.basename(job.folder);
    expect(fs.existsSync(full)).toBe(true);

    const page = await browse(req(`/QM_dJobs/${folderName}`), at(folderName));
    expect(page.status).toBe(308);
    expect(location(page)).toBe(`/jobs/${job.id}`);
    expect(location(await browse(req("/x"), at(folderName, "process.log")))).toBe(`/api/jobs/${job.id}/files/raw?path=process.log`);
    expect(location(await browse(req("/x"), at(folderName, "results")))).toBe(`/jobs/${job.id}`);
    expect(location(await view(req("/x"), at("QM_dJobs", folderName, "results", "fit.txt")))).toBe(`/api/jobs/${job.id}/files/raw?path=${encodeURIComponent("results/fit.txt")}`);
    expect(location(await download(req("/x"), at(folderName)))).toBe(`/api/jobs/${job.id}/download`);
    // Without the queue: the job is looked for in every queue.
    expect(location(await view(req("/x"), at(folderName)))).toBe(`/jobs/${job.id}`);
    expect(location(await view(req("/x"), at(folderName, "process.log")))).toBe(`/api/jobs/${job.id}/files/raw?path=process.log`);
    const failed = await makeJob("failed", { "process.log": "boom\n" });
    expect(location(await view(req("/x"), at(path.basename(failed.job.folder), "process.log")))).toBe(`/api/jobs/${failed.job.id}/files/raw?path=process.log`);
  });

  it("/kill/<folder> and /delete/<queue>/<folder> (QM 0.4's confirmation pages) go to the job's page and do nothing, ?conf=True or not", async () => {
    const running = await makeJob("running", { "process.log": "processing 1 / 3\n" });
    const done = await makeJob("done", { "process.log": "done\n" });
    const name = (j: { job: { folder: string } }) => path.basename(j.job.folder);
    expect(location(await kill(req(`/kill/${name(running)}?conf=True`), at(name(running))))).toBe(`/jobs/${running.job.id}`);
    expect(location(await remove(req(`/delete/QM_dJobs/${name(done)}?conf=True`), at("QM_dJobs", name(done))))).toBe(`/jobs/${done.job.id}`);
    expect(fs.existsSync(done.full)).toBe(true);
    expect((await db.job.findUniqueOrThrow({ where: { id: running.job.id } })).killRequestedAt).toBeNull();
  });

  it("answers alike whether a folder exists where a link the job made leads: it never looks through the link", async () => {
    const { job, full } = await makeJob("done", { "process.log": "done\n" });
    fs.symlinkSync("/etc", path.join(full, "etcdir"));
    const folderName = path.basename(job.folder);
    const there = await view(req("/x"), at("QM_dJobs", folderName, "etcdir", "apt")); // a folder of /etc
    const notThere = await view(req("/x"), at("QM_dJobs", folderName, "etcdir", "no-such-folder"));
    expect(location(there)).toBe(`/api/jobs/${job.id}/files/raw?path=${encodeURIComponent("etcdir/apt")}`);
    expect(location(notThere)).toBe(`/api/jobs/${job.id}/files/raw?path=${encodeURIComponent("etcdir/no-such-folder")}`);
  });

  it("/QM_qJobs, /QM_Jobs and /QM_lost+found browse their jobs too, in the queue named first, else where the job went; a queue alone is the dashboard", async () => {
    const running = await makeJob("running", { "process.log": "processing 1 / 3\n" });
    const lost = await makeJob("failed", { "process.log": "boom\n" });
    const queued = await makeJob("queued");
    const name = (j: { job: { folder: string } }) => path.basename(j.job.folder);
    expect(location(await browseRunning(req("/x"), at(name(running), "process.log")))).toBe(`/api/jobs/${running.job.id}/files/raw?path=process.log`);
    expect(location(await browseLost(req("/x"), at(name(lost), "process.log")))).toBe(`/api/jobs/${lost.job.id}/files/raw?path=process.log`);
    expect(location(await browseQueued(req("/x"), at(name(queued))))).toBe(`/jobs/${queued.job.id}`);
    // A link to a waiting job, followed once it runs: found in QM_Jobs.
    expect(location(await browseQueued(req("/x"), at(name(running))))).toBe(`/jobs/${running.job.id}`);
    expect(location(queueListing(req("/QM_lost+found")))).toBe("/");
  });

  it("says so when no job has the folder, refuses ../, and sends visitors to the login when viewing needs one", async () => {
    const missing = await browse(req("/QM_dJobs/nothing"), at("nothing"));
    expect(missing.status).toBe(404);
    expect((await errorOf(missing)).message).toMatch(/No job has the folder QM_dJobs\/nothing/);
    expect((await view(req("/x"), at("QM_dJobs", "..", "secret"))).status).toBe(404);
    expect((await view(req("/x"), at("etc", "passwd"))).status).toBe(404);

    const { job } = await makeJob("done");
    writeConfig({ Require_Login: "yes" });
    const anonymous = await download(req(`/download/${path.basename(job.folder)}`), at(path.basename(job.folder)));
    expect(anonymous.status).toBe(307);
    expect(location(anonymous)).toBe(`/login?next=${encodeURIComponent(`/download/${path.basename(job.folder)}`)}`);
    expect(location(await download(req("/x", { headers: basicAs("ann") }), at(path.basename(job.folder))))).toBe(`/api/jobs/${job.id}/download`);
  });
});
