import type { Metadata } from "next";
import { requirePageViewer } from "@/lib/web/page-gate";
import { StatsView } from "./stats-view";

export const metadata: Metadata = { title: "Statistics · QueueManager" };
// Require_Login is read from QMserv.cfg at each request, not once at build time.
export const dynamic = "force-dynamic";

export default async function StatsPage() {
  await requirePageViewer("/stats");
  return <StatsView />;
}
