import type { Metadata } from "next";
import { ownJobActionsPhrase } from "@/lib/core/job-permissions";
import { getConfig } from "@/lib/web/context";
import { requirePageUser } from "@/lib/web/page-gate";
import { AccountView } from "./account-view";

export const metadata: Metadata = { title: "Your account · QueueManager" };
export const dynamic = "force-dynamic";

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const me = await requirePageUser("/account");
  const { licenceToKill, deleteJobs } = getConfig().config.web;
  return <AccountView user={{ username: me.username, role: me.role, email: me.email }} ownJobActions={ownJobActionsPhrase({ licenceToKill, deleteJobs })} adminOnly={(await searchParams)["admin-only"] === "1"} />;
}
