import type { ResultsAnswer } from "@/lib/core/api-types";
import { isFinishedState } from "@/lib/core/job-lifecycle";
import { findResults } from "@/lib/server/jobs/job-results";
import { json } from "@/lib/web/http";
import { withJob } from "@/lib/web/with-job";

export const dynamic = "force-dynamic";

// A finished job's results do not change: the dashboard asks for each row, once per look.
const finished = new Map<string, ResultsAnswer>();
const REMEMBERED = 500;

/**
 * What the job's results strip shows: the files named by its info file's `results` key,
 * or the pictures in its folder (lib/server/jobs/job-results.ts).
 */
export const GET = withJob(
  async ({ job, folder, hiddenFiles }) => {
    const key = `${job.id}:${job.folder}:${job.finishedAt?.getTime()}:${hiddenFiles.join("/")}:${folder.privateServed}`;
    let answer = finished.get(key);
    if (!answer) {
      answer = await findResults(folder, JSON.parse(job.params || "{}") as Record<string, string>);
      if (isFinishedState(job.state)) {
        finished.set(key, answer);
        if (finished.size > REMEMBERED) finished.delete(finished.keys().next().value!);
      }
    }
    return json(answer satisfies ResultsAnswer);
  },
  { folder: true },
);
