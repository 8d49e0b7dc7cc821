import type { PauseAnswer } from "@/lib/core/api-types";
import { pauseQueue } from "@/lib/server/queue/pause-queue";
import { getStore } from "@/lib/web/context";
import { apiHandler, json } from "@/lib/web/http";
import { requireControl } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

/** Pause the queue (admin): running jobs finish, nothing new starts until resumed (`changed: false`: it was paused already). */
export const POST = apiHandler(async (request) => {
  const by = await requireControl(request, "pause");
  return json((await pauseQueue(getStore(), by)) satisfies PauseAnswer);
});
