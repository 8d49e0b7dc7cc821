import { requirePageViewer } from "@/lib/web/page-gate";
import { Dashboard } from "./dashboard";

export const dynamic = "force-dynamic";

export default async function DashboardPage() {
  await requirePageViewer("/");
  return <Dashboard />;
}
