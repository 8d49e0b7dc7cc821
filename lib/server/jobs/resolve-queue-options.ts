/**
 * The queue keys of a job being submitted (hold, after_ok, after_any, array), checked
 * against the database: every job or array a dependency names must exist. A job may
 * only wait for jobs submitted before it, so waits can never go round in a circle; an
 * id not given yet is refused with that explanation. `sentWithUpload` holds the keys that
 * came from the submit form or `qm submit --after`, not from the job's own file, so that
 * the refusal names the field the person typed rather than the info file it was written to.
 */
import { AppError } from "../../core/app-error";
import { type Dependency, dependencyStatus } from "../../core/dependencies";
import { type QueueOptions, parseQueueOptions } from "../../core/queue-options";
import type { JobStore } from "../store/job-store";

export interface ResolvedQueueOptions extends Omit<QueueOptions, "dependsOn"> {
  /** One edge per parent job (arrays expanded to their elements). */
  dependsOn: Dependency[];
}

export async function resolveQueueOptions(
  store: JobStore,
  fileName: string,
  params: Record<string, string>,
  sentWithUpload: ReadonlySet<string> = new Set(),
): Promise<ResolvedQueueOptions> {
  const options = parseQueueOptions(fileName, params);
  const named = (kind: string) => (sentWithUpload.has(kind) ? `${kind} (sent with the upload)` : `${fileName}: ${kind}`);
  const arrayIds = options.dependsOn.flatMap((d) => ("arrayId" in d.ref ? [d.ref.arrayId] : []));
  const elements = await store.arrayElements(arrayIds);
  const edges = new Map<number, Dependency>();
  for (const { ref, kind } of options.dependsOn) {
    if ("arrayId" in ref) {
      const ids = elements.get(ref.arrayId)!;
      if (!ids.length) throw new AppError("INVALID_INPUT", `${named(kind)} names array ${ref.arrayId}, which does not exist; give the number shown as "array N" on the dashboard`);
      for (const parentId of ids) edges.set(parentId, { parentId, kind: strictest(edges.get(parentId)?.kind, kind) });
    } else edges.set(ref.jobId, { parentId: ref.jobId, kind: strictest(edges.get(ref.jobId)?.kind, kind) });
  }
  const jobIds = [...new Set(options.dependsOn.flatMap((d) => ("jobId" in d.ref ? [d.ref.jobId] : [])))];
  // Every parent's state in one read: the jobs named, and the arrays' elements.
  const states = await store.statesOf([...edges.keys()]);
  const unknown = jobIds.filter((id) => !states.has(id) || states.get(id) === "deleted");
  if (unknown.length) {
    const last = await store.lastJobId();
    const future = unknown.filter((id) => id > last);
    const kind = options.dependsOn.find((d) => "jobId" in d.ref && unknown.includes(d.ref.jobId))!.kind;
    throw new AppError(
      "INVALID_INPUT",
      future.length
        ? `${named(kind)} names job ${future[0]}, which does not exist yet; a job can only wait for jobs submitted before it (so that waits never go round in a circle)`
        : `${named(kind)} names job ${unknown[0]}, which does not exist (or was deleted); give the id of a queued, running or finished job`,
    );
  }
  // An after_ok wait on a job that already ended otherwise than done can never be met: the
  // job would be queued only to be cancelled at once. Refused with what to do instead.
  const broken = [...edges.values()].find((e) => dependencyStatus(e.kind, states.get(e.parentId) ?? "deleted") === "broken");
  if (broken) {
    const state = states.get(broken.parentId) ?? "deleted";
    const array = [...elements].find(([, ids]) => ids.includes(broken.parentId))?.[0];
    const what = array !== undefined && !jobIds.includes(broken.parentId) ? `array ${array}, whose job ${broken.parentId}` : `job ${broken.parentId}, which`;
    throw new AppError(
      "INVALID_INPUT",
      `${named("after_ok")} names ${what} already ended ${state}: after_ok waits for jobs that end done, so this job could never start; requeue job ${broken.parentId} first (then it waits for the new run), or wait with after_any`,
    );
  }
  return { ...options, dependsOn: [...edges.values()] };
}

/** A job named in both lists waits for success (after_ok is the stricter wait). */
const strictest = (a: Dependency["kind"] | undefined, b: Dependency["kind"]) => (a === "after_ok" || b === "after_ok" ? "after_ok" : "after_any");
