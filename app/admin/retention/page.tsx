import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/web/page-gate";
import { RetentionView } from "./retention-view";

export const metadata: Metadata = { title: "Retention · QueueManager" };
export const dynamic = "force-dynamic";

export default async function AdminRetentionPage() {
  await requirePageAdmin("/admin/retention");
  return <RetentionView />;
}
