import { z } from "zod";
import { AppError } from "@/lib/core/app-error";
import { priorityLimit } from "@/lib/core/priority-limit";
import { ARRAY_ACTIONS, applyToArray } from "@/lib/server/jobs/array-actions";
import { requireViewer } from "@/lib/web/access";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";
import { arrayIdSchema } from "@/lib/core/job-schemas";
import { authorizeControl } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

const params = z.object({ id: arrayIdSchema, action: z.enum(ARRAY_ACTIONS, { error: "the action must be hold, release, kill, requeue or delete" }) });
const query = z.object({ all: z.enum(["0", "1"]).optional() });

/**
 * hold | release | kill | requeue | delete every element of an array it fits (see docs/api.md);
 * `requeue?all=1` also puts back elements that ended done.
 */
export const POST = apiHandler(async (request, context: { params: Promise<{ id: string; action: string }> }) => {
  const viewer = await requireViewer(request);
  const { id, action } = params.parse(await context.params);
  const { all } = query.parse(searchParamsOf(request));
  const first = (await getStore().elementsOf(id))[0];
  if (!first) throw new AppError("NOT_FOUND", `There is no array ${id}; it may have been deleted.`);
  // The array's owner (its first element's) or the administrator; Licence_to_kill binds owners.
  const by = await authorizeControl(viewer, action, (await getStore().getJob(first.id)) ?? null, `Array ${id}`);
  const { config } = getConfig();
  const folderRule = { jobFile: config.jobFile, strict: config.strictJobFile };
  const limit = priorityLimit(config.maxUserPriority, viewer.isAdmin);
  return json(await applyToArray(getStore(), getLayout(), id, { action, by, folderRule, priorityLimit: limit, everything: all === "1" }));
});
