import type { HoldAnswer } from "@/lib/core/api-types";
import { releaseJob } from "@/lib/server/jobs/hold-job";
import { getLayout, getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { controlledJobRoute } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

/** Release a held job: it starts when its turn comes (its place in the queue was kept; `changed: false`: it was not held). */
export const POST = controlledJobRoute("release", async ({ id, by }) => {
  const changed = await releaseJob(getStore(), getLayout(), id, by);
  return json({ ok: true, state: "queued", changed } satisfies HoldAnswer);
});
