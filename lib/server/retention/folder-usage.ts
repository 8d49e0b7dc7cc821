/**
 * Disk space of finished jobs' folders, as `du` counts it (allocated blocks, each hard-linked
 * file once, links not followed): what the Keep_Max_GB ceiling is about.
 */
import fs from "node:fs";
import path from "node:path";
import type { QmLayout } from "../qm-folders";

/** Bytes a file tree takes on disk; `seen` holds the hard-linked files already counted. */
export async function treeBytes(root: string, seen = new Set<string>()): Promise<number> {
  let total = 0;
  const stack = [root];
  while (stack.length) {
    const current = stack.pop()!;
    let st: fs.Stats;
    try {
      st = await fs.promises.lstat(current);
    } catch {
      continue; // removed meanwhile
    }
    if (st.nlink > 1 && !st.isDirectory()) {
      const key = `${st.dev}:${st.ino}`;
      if (seen.has(key)) continue;
      seen.add(key);
    }
    total += st.blocks * 512;
    if (!st.isDirectory()) continue;
    try {
      for (const name of await fs.promises.readdir(current)) stack.push(path.join(current, name));
    } catch {
      // unreadable or gone: counted as what we saw
    }
  }
  return total;
}

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
    for (const name of names) {
      const bytes = await treeBytes(path.join(dir, name), seen);
      byFolder.set(`${path.basename(dir)}/${name}`, bytes);
      totalBytes += bytes;
    }
  }
  return { totalBytes, byFolder };
}
