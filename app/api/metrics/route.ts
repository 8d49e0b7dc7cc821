import { formatMetrics } from "@/lib/core/prometheus-text";
import { collectMetrics } from "@/lib/server/metrics/collect-metrics";
import { getConfig, getLayout, getStore } from "@/lib/web/context";
import { apiHandler } from "@/lib/web/http";
import { checkMetricsAccess } from "@/lib/web/metrics-access";

export const dynamic = "force-dynamic";

/** Prometheus' text format (docs/deploy.md, deploy/prometheus/): Metrics_Token, the administrator, or a Metrics_Allow address. */
export const GET = apiHandler(async (request) => {
  const { config } = getConfig();
  await checkMetricsAccess(request, config);
  const text = formatMetrics(await collectMetrics(getStore().sql, getLayout().root, config));
  return new Response(text, { headers: { "Content-Type": "text/plain; version=0.0.4; charset=utf-8", "Cache-Control": "no-store" } });
});
