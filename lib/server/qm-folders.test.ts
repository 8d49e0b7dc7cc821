import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { ensureQmFolders, moveFolder, qmLayout } from "./qm-folders";

describe("moveFolder: a job folder moved between queues, never onto another", () => {
  let root: string;
  beforeEach(() => {
    root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-move-"));
    for (const d of ["from", "to"]) fs.mkdirSync(path.join(root, d));
  });
  afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

  const job = (name: string) => {
    const dir = path.join(root, "from", name);
    fs.mkdirSync(dir);
    fs.writeFileSync(path.join(dir, "run.sh"), name);
    return dir;
  };

  it("takes the name when free, else the first free variant; an empty folder there is not replaced", async () => {
    expect(await moveFolder(job("a"), path.join(root, "to"), "a")).toBe("a");
    fs.mkdirSync(path.join(root, "to", "b")); // empty: rename(2) alone would replace it
    expect(await moveFolder(job("b"), path.join(root, "to"), "b")).toBe("b-2");
    expect(fs.readdirSync(path.join(root, "to", "b"))).toEqual([]);
    expect(fs.readFileSync(path.join(root, "to", "b-2", "run.sh"), "utf8")).toBe("b");
    expect(fs.readdirSync(path.join(root, "from"))).toEqual([]);
  });

  it("asks the claim for each free name it tries, before the folder appears there", async () => {
    fs.mkdirSync(path.join(root, "to", "c"));
    const claimed: [string, boolean][] = [];
    const name = await moveFolder(job("c"), path.join(root, "to"), "c", async (candidate) => {
      claimed.push([candidate, fs.existsSync(path.join(root, "to", candidate))]);
    });
    expect(name).toBe("c-2");
    expect(claimed).toEqual([["c-2", false]]);
  });

  it("throws ENOENT when the folder is gone, leaving the destination as it was", async () => {
    await expect(moveFolder(path.join(root, "from", "gone"), path.join(root, "to"), "gone")).rejects.toMatchObject({ code: "ENOENT" });
    expect(fs.readdirSync(path.join(root, "to"))).toEqual([]);
  });
});

describe.runIf(process.getuid?.() === 0)("ensureQmFolders run by the worker (root)", () => {
  it("gives the folders it makes to QM_FOLDER's owner, so the web server's account reaches .qm/staging whichever service started first", () => {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), "qm-ensure-"));
    try {
      const root = path.join(base, "QM");
      fs.mkdirSync(root);
      fs.chownSync(root, 4321, 4321);
      const layout = qmLayout(root);
      ensureQmFolders(layout);
      for (const dir of [layout.internal, layout.staging, layout.runs, layout.queued, layout.running, layout.done, layout.lost]) {
        expect([dir, fs.lstatSync(dir).uid, fs.lstatSync(dir).gid]).toEqual([dir, 4321, 4321]);
      }
      // A folder that was there already keeps its owner.
      fs.rmSync(layout.staging, { recursive: true });
      fs.chownSync(layout.internal, 0, 0);
      ensureQmFolders(layout);
      expect(fs.lstatSync(layout.internal).uid).toBe(0);
      expect(fs.lstatSync(layout.staging).uid).toBe(4321);
    } finally {
      fs.rmSync(base, { recursive: true, force: true });
    }
  });
});
