/**
 * The whole job folder as a zip, streamed as it is made: files are read one at a time
 * by archiver, so memory stays constant whatever the folder's size. Symlinks are left out.
 */
import fs from "node:fs";
import path from "node:path";
import { ZipArchive } from "archiver";

async function addFolder(archive: ZipArchive, dir: string, prefix: string, hidden: string[]): Promise<void> {
  const entries = await fs.promises.readdir(dir, { withFileTypes: true });
  archive.append(Buffer.alloc(0), { name: `${prefix}/`, type: "directory" });
  for (const entry of entries) {
    if (hidden.includes(entry.name)) continue;
    const full = path.join(dir, entry.name);
    const name = `${prefix}/${entry.name}`;
    if (entry.isDirectory()) await addFolder(archive, full, name, []);
    else if (entry.isFile()) archive.file(full, { name });
  }
}

/**
 * A Node readable stream of the zip of `root`, every entry under `topName/`; `hidden`
 * names at the top of the folder are left out.
 */
export function zipJobFolder(root: string, topName: string, signal?: AbortSignal, hidden: string[] = []): ZipArchive {
  const archive = new ZipArchive({ zlib: { level: 6 }, highWaterMark: 64 * 1024 });
  signal?.addEventListener("abort", () => archive.abort(), { once: true });
  archive.on("warning", (error) => console.warn(`[zip] ${topName}: ${error.message}`));
  addFolder(archive, root, topName, hidden)
    .then(() => archive.finalize())
    .catch((error: Error) => archive.destroy(error));
  return archive;
}
