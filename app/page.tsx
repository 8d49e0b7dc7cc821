import { Dashboard } from "./dashboard";

export default function DashboardPage() {
  return <Dashboard />;
}
