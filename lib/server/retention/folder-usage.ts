/**
 * Disk space of finished jobs' folders, as `du` counts it (allocated blocks, each hard-linked
 * file once, links not followed): what the Keep_Max_GB ceiling is about.
 */
import fs from "node:fs";
import path from "node:path";
import type { QmLayout } from "../qm-folders";

/**
 * Bytes a file tree takes on disk; `seen` holds the hard-linked files already counted. The
 * entries of a folder are looked at together (Node's thread pool does a few at a time): one
 * at a time, each waited for, took about twice as long (bench: retention).
 */
export async function treeBytes(root: string, seen = new Set<string>()): Promise<number> {
  let total = 0;
  async function visit(current: string): Promise<void> {
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(current);
    } catch {
      return; // removed meanwhile
    }
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    total += st.blocks * 512;
    if (!st.isDirectory()) return;
    let names: string[];
    try {
      names = await fs.promises.readdir(current);
    } catch {
      return; // unreadable or gone: counted as what we saw
    }
    await Promise.all(names.map((name) => visit(path.join(current, name))));
  }
  await visit(root);
  return total;
}

const FOLDERS_AT_ONCE = 16;

/** Space of each entry of QM_dJobs and QM_lost+found (by QM_FOLDER-relative path), and of both in all. */
export async function finishedUsage(layout: QmLayout): Promise<{ totalBytes: number; byFolder: Map<string, number> }> {
  const byFolder = new Map<string, number>();
  const seen = new Set<string>();
  let totalBytes = 0;
  for (const dir of [layout.done, layout.lost]) {
    let names: string[] = [];
    try {
      names = await fs.promises.readdir(dir);
    } catch {
      continue;
    }
    // A few folders at a time keeps the thread pool busy without a promise per file of years.
    for (let i = 0; i < names.length; i += FOLDERS_AT_ONCE) {
      await Promise.all(
        names.slice(i, i + FOLDERS_AT_ONCE).map(async (name) => {
          const bytes = await treeBytes(path.join(dir, name), seen);
          byFolder.set(`${path.basename(dir)}/${name}`, bytes);
          totalBytes += bytes;
        }),
      );
    }
  }
  return { totalBytes, byFolder };
}
