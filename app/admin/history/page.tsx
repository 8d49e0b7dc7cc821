import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/web/page-gate";
import { HistoryImport } from "./history-import";

export const metadata: Metadata = { title: "History import · QueueManager" };
export const dynamic = "force-dynamic";

export default async function HistoryPage() {
  await requirePageAdmin("/admin/history");
  return <HistoryImport />;
}
