import type { PauseAnswer } from "@/lib/core/api-types";
import { resumeQueue } from "@/lib/server/queue/pause-queue";
import { getLayout, getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { requireControl } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

/** Resume a paused queue (admin): the worker starts what fits at once (`changed: false`: it was not paused). */
export const POST = apiHandler(async (request) => {
  await requireControl(request, "resume");
  const changed = await resumeQueue(getStore(), getLayout());
  return json({ paused: null, changed } satisfies PauseAnswer);
});
