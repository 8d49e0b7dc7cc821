import { AdminNav } from "./admin-nav";

/** The administrator's pages share their navigation; each page checks the login itself. */
export default function AdminLayout({ children }: { children: React.ReactNode }) {
  return (
    <div className="space-y-5">
      <AdminNav />
      {children}
    </div>
  );
}
