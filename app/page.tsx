import { redirect } from "next/navigation";
import { getSession, isLoginRequired } from "@/lib/web/auth";
import { Dashboard } from "./dashboard";

export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  if (isLoginRequired() && !(await getSession())) redirect("/login?next=/");
  return <Dashboard />;
}
