import { holdJob } from "@/lib/server/jobs/hold-job";
import { getStore } from "@/lib/web/context";
import { json } from "@/lib/web/http";
import { controlledJobRoute } from "@/lib/web/queue-control-access";

export const dynamic = "force-dynamic";

/** Hold a queued job: it keeps its place but does not start until released. */
export const POST = controlledJobRoute("hold", async ({ id, by }) => {
  await holdJob(getStore(), id, by);
  return json({ ok: true, state: "held" });
});
