import type { HoldAnswer } from "@/lib/core/api-types";
import { holdJob } from "@/lib/server/jobs/hold-job";
import { getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { controlledJobRoute } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

/** Hold a queued job: it keeps its place but does not start until released (`changed: false`: it was held already). */
export const POST = controlledJobRoute("hold", async ({ id, by }) => {
  const changed = await holdJob(getStore(), id, by);
  return json({ ok: true, state: "held", changed } satisfies HoldAnswer);
});
