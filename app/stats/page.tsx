import type { Metadata } from "next";
import { StatsView } from "./stats-view";

export const metadata: Metadata = { title: "Statistics · QueueManager" };

export default function StatsPage() {
  return <StatsView />;
}
