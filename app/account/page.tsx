import type { Metadata } from "next";
import { requirePageUser } from "@/lib/web/page-gate";
import { AccountView } from "./account-view";

export const metadata: Metadata = { title: "Your account · QueueManager" };
export const dynamic = "force-dynamic";

export default async function AccountPage({ searchParams }: { searchParams: Promise<Record<string, string | undefined>> }) {
  const me = await requirePageUser("/account");
  return <AccountView user={{ username: me.username, role: me.role, email: me.email }} adminOnly={(await searchParams)["admin-only"] === "1"} />;
}
