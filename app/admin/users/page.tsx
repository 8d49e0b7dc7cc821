import type { Metadata } from "next";
import { requirePageAdmin } from "@/lib/web/page-gate";
import { UsersAdmin } from "./users-admin";

export const metadata: Metadata = { title: "Users · QueueManager" };
export const dynamic = "force-dynamic";

export default async function UsersPage() {
  const me = await requirePageAdmin("/admin/users");
  return <UsersAdmin myId={me.id} />;
}
