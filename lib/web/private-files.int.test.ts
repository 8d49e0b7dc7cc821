/**
 * Files a job keeps from others (lib/core/private-files.ts, docs/web-auth.md "Private
 * files"): a file or folder of the job folder that "others" may not read on the server is
 * served only to the job's owner and the administrator. Others see it listed, marked
 * private with the refusal, get 403 from the file routes and a zip without it. Through the
 * real route handlers; the jobs of makeJob belong to ann (e_mail ann@lab.org), bob is
 * another account.
 */
import fs from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { FileEntry, FolderListing, ResultsAnswer } from "../core/api-types";
import { NOTES_NAME } from "../server/jobs/job-zip";
import { basic, basicAs, ctx, errorOf, makeJob, req, routes, unzip } from "./api-test-harness";

const route = async (p: string) => (await import(/* @vite-ignore */ path.join(process.cwd(), "app/api/jobs/[id]", p, "route.ts"))).GET as typeof routes.raw;

/** Who asks: a visitor, another account, the job's owner, the administrator. */
const WHO = { visitor: {}, bob: basicAs("bob"), ann: basicAs("ann"), admin: basic() } as const;
type Who = keyof typeof WHO;

const SECRET_SENTENCE = `"secret.txt" is private to the job's owner (mode 0600); ask them or an administrator.`;

/** A finished job of ann's: secret.txt 0600, public.txt 0644, private/data.txt (0644) in a 0700 folder, open/ 0755. */
async function jobWithSecrets() {
  const made = await makeJob("done", { "secret.txt": "s3cret\n", "public.txt": "hello\n", "private/data.txt": "hidden data\n", "open/plain.txt": "plain\n" });
  const at = (rel: string) => path.join(made.full, rel);
  fs.chmodSync(at("secret.txt"), 0o600);
  fs.chmodSync(at("public.txt"), 0o644);
  fs.chmodSync(at("private/data.txt"), 0o644);
  fs.chmodSync(at("private"), 0o700);
  fs.chmodSync(at("open"), 0o755);
  return { ...made, at };
}

async function raw(id: number, rel: string, who: Who) {
  return routes.raw(req(`/api/jobs/${id}/files/raw?path=${encodeURIComponent(rel)}`, { headers: WHO[who] }), ctx(id));
}

async function list(id: number, rel: string, who: Who): Promise<Map<string, FileEntry>> {
  const res = await routes.files(req(`/api/jobs/${id}/files?path=${encodeURIComponent(rel)}`, { headers: WHO[who] }), ctx(id));
  expect(res.status, await res.clone().text()).toBe(200);
  return new Map(((await res.json()) as FolderListing).entries.map((e) => [e.name, e]));
}

async function zipOf(id: number, who: Who): Promise<Map<string, string>> {
  const res = await routes.zip(req(`/api/jobs/${id}/download`, { headers: WHO[who] }), ctx(id));
  expect(res.status).toBe(200);
  return unzip(Buffer.from(await res.arrayBuffer()));
}

describe("a file the job keeps from others (chmod 600)", () => {
  it("is served to the job's owner and the administrator, refused to a visitor and another account with the reason", async () => {
    const { job } = await jobWithSecrets();
    for (const who of ["ann", "admin"] as const) {
      const res = await raw(job.id, "secret.txt", who);
      expect(res.status, who).toBe(200);
      expect(await res.text()).toBe("s3cret\n");
    }
    const text = await route("files/text");
    for (const who of ["visitor", "bob"] as const) {
      const res = await raw(job.id, "secret.txt", who);
      expect(res.status, who).toBe(403);
      expect(await errorOf(res), who).toEqual({ code: "FORBIDDEN", message: SECRET_SENTENCE });
      const asText = await text(req(`/api/jobs/${job.id}/files/text?path=secret.txt`, { headers: WHO[who] }), ctx(job.id));
      expect(asText.status, who).toBe(403);
      expect(await asText.text()).not.toContain("s3cret");
    }
  });

  it("is listed to everyone with its name and size, marked private; with the refusal to those who may not open it", async () => {
    const { job } = await jobWithSecrets();
    for (const who of ["visitor", "bob"] as const) {
      const secret = (await list(job.id, "", who)).get("secret.txt");
      expect(secret, who).toMatchObject({ type: "file", size: 7, private: true, refusal: SECRET_SENTENCE });
    }
    for (const who of ["ann", "admin"] as const) {
      const secret = (await list(job.id, "", who)).get("secret.txt");
      expect(secret, who).toMatchObject({ type: "file", size: 7, private: true });
      expect(secret?.refusal, who).toBeUndefined();
    }
    const publicFile = (await list(job.id, "", "visitor")).get("public.txt");
    expect(publicFile?.private).toBeUndefined();
    expect(publicFile?.refusal).toBeUndefined();
  });

  it("is left out of a visitor's zip, which keeps the other files and says what it left out; the owner's and the administrator's zips hold it", async () => {
    const { job } = await jobWithSecrets();
    for (const who of ["visitor", "bob"] as const) {
      const entries = await zipOf(job.id, who);
      expect([...entries.keys()].filter((name) => /secret|private\//.test(name)), who).toEqual([]);
      expect(entries.get(`${job.name}/public.txt`)).toBe("hello\n");
      expect(entries.get(`${job.name}/open/plain.txt`)).toBe("plain\n");
      const notes = entries.get(`${job.name}/${NOTES_NAME}`);
      expect(notes).toContain("secret.txt: is private to the job's owner (mode 0600); ask them or an administrator");
      expect(notes).toContain("private: is private to the job's owner (mode 0700); ask them or an administrator");
    }
    for (const who of ["ann", "admin"] as const) {
      const entries = await zipOf(job.id, who);
      expect(entries.get(`${job.name}/secret.txt`), who).toBe("s3cret\n");
      expect(entries.get(`${job.name}/private/data.txt`), who).toBe("hidden data\n");
      expect(entries.has(`${job.name}/${NOTES_NAME}`), who).toBe(false);
    }
  });

  it("a 0644 file is served to everyone, as before", async () => {
    const { job } = await jobWithSecrets();
    for (const who of Object.keys(WHO) as Who[]) {
      const res = await raw(job.id, "public.txt", who);
      expect(res.status, who).toBe(200);
      expect(await res.text()).toBe("hello\n");
      expect((await raw(job.id, "open/plain.txt", who)).status, who).toBe(200);
    }
  });
});

describe("a folder the job keeps from others (chmod 700)", () => {
  it("keeps every file in it: refused to others, listed as a private folder they cannot open; its owner lists and reads it", async () => {
    const { job } = await jobWithSecrets();
    const sentence = `"private/data.txt" is private to the job's owner (it is in the folder "private", mode 0700); ask them or an administrator.`;
    for (const who of ["visitor", "bob"] as const) {
      const res = await raw(job.id, "private/data.txt", who);
      expect(res.status, who).toBe(403);
      expect((await errorOf(res)).message).toBe(sentence);
      expect((await list(job.id, "", who)).get("private"), who).toMatchObject({ type: "dir", private: true, refusal: expect.stringContaining("(mode 0700)") });
      const inside = await routes.files(req(`/api/jobs/${job.id}/files?path=private`, { headers: WHO[who] }), ctx(job.id));
      expect(inside.status, who).toBe(403);
      expect((await errorOf(inside)).message).toBe(`"private" is private to the job's owner (mode 0700); ask them or an administrator.`);
    }
    for (const who of ["ann", "admin"] as const) {
      expect(await (await raw(job.id, "private/data.txt", who)).text(), who).toBe("hidden data\n");
      expect((await list(job.id, "private", who)).get("data.txt"), who).toMatchObject({ type: "file", private: true });
    }
  });

  it("a folder others may read but not enter (0704), or enter but not read (0711), is private too", async () => {
    const { job, at } = await jobWithSecrets();
    for (const mode of [0o704, 0o711]) {
      fs.chmodSync(at("open"), mode);
      const res = await raw(job.id, "open/plain.txt", "visitor");
      expect(res.status, mode.toString(8)).toBe(403);
      expect((await errorOf(res)).message).toContain(`it is in the folder "open", mode 0${mode.toString(8)}`);
    }
  });
});

describe("links to what the job keeps from others", () => {
  it("a link inside the folder to a private file or into a private folder is refused as what it leads to; a link out of the folder is refused as before", async () => {
    const { job, full } = await jobWithSecrets();
    fs.symlinkSync("secret.txt", path.join(full, "alias.txt"));
    fs.symlinkSync("private", path.join(full, "alias-dir"));
    fs.symlinkSync("/etc/hostname", path.join(full, "outside.txt"));
    const alias = await raw(job.id, "alias.txt", "visitor");
    expect(alias.status).toBe(403);
    expect((await errorOf(alias)).message).toBe(`"alias.txt" is private to the job's owner (mode 0600); ask them or an administrator.`);
    const throughDir = await raw(job.id, "alias-dir/data.txt", "bob");
    expect(throughDir.status).toBe(403);
    expect((await errorOf(throughDir)).message).toContain(`(it is in the folder "private", mode 0700)`);
    const listed = await list(job.id, "", "visitor");
    expect(listed.get("alias.txt")).toMatchObject({ type: "file", private: true, refusal: expect.stringContaining("mode 0600") });
    expect(listed.get("alias-dir")).toMatchObject({ type: "dir", private: true });
    expect(listed.get("outside.txt")).toMatchObject({ type: "outside-link" });
    const outside = await raw(job.id, "outside.txt", "ann");
    expect(outside.status).toBe(403);
    expect((await errorOf(outside)).message).toMatch(/is a link pointing outside the job folder/);
    expect(await (await raw(job.id, "alias.txt", "ann")).text()).toBe("s3cret\n");
    // Links stay out of zips, whoever asks.
    expect([...(await zipOf(job.id, "ann")).keys()].filter((name) => name.includes("alias") || name.includes("outside.txt"))).toEqual([]);
  });
});

describe("the results strip", () => {
  it("shows a private picture to the job's owner only", async () => {
    const { job, full } = await makeJob("done", { "fit.png": "png", "mine.png": "png" });
    fs.chmodSync(path.join(full, "mine.png"), 0o600);
    const results = await route("results");
    const strip = async (who: Who) => ((await (await results(req(`/api/jobs/${job.id}/results`, { headers: WHO[who] }), ctx(job.id))).json()) as ResultsAnswer).files.map((f) => f.path);
    expect(await strip("visitor")).toEqual(["fit.png"]);
    expect(await strip("ann")).toEqual(["fit.png", "mine.png"]);
  });
});
