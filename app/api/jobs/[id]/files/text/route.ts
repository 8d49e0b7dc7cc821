import type { TextChunk } from "@/lib/core/api-types";
import { fileTextSchema } from "@/lib/core/job-schemas";
import { MAX_TEXT_CHUNK, readTextChunk } from "@/lib/server/jobs/read-log";
import { json } from "@/lib/web/http";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

/**
 * Any file of the job as text, by byte offset, for the file viewer: from ?offset= (default
 * its start; `tail=1`: its last part), at most 512 KB, ending on a whole line unless the
 * end of the file is reached. Ask again from nextOffset to read on, or to follow a file
 * that grows. The text comes as JSON: the page shows it as text, never as markup.
 */
export const GET = withJob(
  async ({ folder, query }) => {
    const from = query.offset ?? (query.tail === "1" ? "tail" : 0);
    const chunk = await readTextChunk(folder, query.path, from, { chunk: MAX_TEXT_CHUNK, toEnd: true });
    return json({ ...chunk, binary: chunk.text.includes("\u0000") } satisfies TextChunk);
  },
  { folder: true, query: fileTextSchema },
);
