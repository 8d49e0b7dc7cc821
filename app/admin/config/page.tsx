import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession } from "@/lib/web/auth";
import { ConfigEditor } from "./config-editor";

export const metadata: Metadata = { title: "Configuration · QueueManager" };
export const dynamic = "force-dynamic";

export default async function AdminConfigPage() {
  if (!(await getSession())) redirect("/login?next=/admin/config");
  return <ConfigEditor />;
}
