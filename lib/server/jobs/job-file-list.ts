/**
 * Every servable file of a job folder with its size, for comparing runs: walked by
 * descriptors and judged file by file as zips are (job-tree.ts), so what is listed is
 * what the file routes would serve. Stops at MAX_LISTED files.
 */
import { walkJobFolder } from "./job-tree";
import type { JobFolderAccess } from "./job-folder";

export const MAX_LISTED = 5000;

export interface ListedFile {
  path: string;
  size: number;
}

export async function listJobFiles(access: JobFolderAccess): Promise<{ files: ListedFile[]; complete: boolean }> {
  const files: ListedFile[] = [];
  const stop = new AbortController();
  await walkJobFolder(
    access,
    {
      async file({ rel, stat }) {
        files.push({ path: rel, size: stat.size });
        if (files.length >= MAX_LISTED) stop.abort();
      },
      skip() {
        // Links, pipes, other users' files: not served, so not compared.
      },
    },
    stop.signal,
  );
  return { files, complete: !stop.signal.aborted };
}
