import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/web/page-gate";
import { ConfigEditor } from "./config-editor";

export const metadata: Metadata = { title: "Configuration · QueueManager" };
export const dynamic = "force-dynamic";

export default async function AdminConfigPage() {
  await requirePageAdmin("/admin/config");
  return <ConfigEditor />;
}
