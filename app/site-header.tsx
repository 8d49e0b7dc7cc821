"use client";
import Link from "next/link";
import { usePathname, useRouter } from "next/navigation";
import { useLogoutMutation } from "@/lib/client/use-auth-mutations";
import { useSessionQuery } from "@/lib/client/use-session-query";
import { LoginLink } from "./ui-bits";

const LINKS = [
  { href: "/", label: "Dashboard" },
  { href: "/submit", label: "Submit" },
  { href: "/stats", label: "Statistics" },
  { href: "/compare", label: "Compare" },
];
const ADMIN_LINK = { href: "/admin", label: "Admin" };

export function SiteHeader() {
  const pathname = usePathname();
  const router = useRouter();
  const { data: session } = useSessionQuery();
  const logout = useLogoutMutation();

  const isActive = (href: string) => (href === "/" ? pathname === "/" : pathname.startsWith(href));
  return (
    <header className="border-b border-slate-200 bg-white">
      <nav className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-5 gap-y-2 px-4 py-3 text-sm" aria-label="Main">
        <Link href="/" className="mr-2 font-semibold text-slate-900">
          QueueManager
        </Link>
        {[...LINKS, ...(session?.user?.role === "admin" ? [ADMIN_LINK] : [])].map((l) => (
          <Link key={l.href} href={l.href} aria-current={isActive(l.href) ? "page" : undefined} className={isActive(l.href) ? "font-medium text-blue-700" : "text-slate-600 hover:text-slate-900"}>
            {l.label}
          </Link>
        ))}
        <span className="ml-auto flex items-center gap-3" data-testid="session-status">
          {session?.user ? (
            <>
              <Link href="/account" className="text-slate-600 hover:text-slate-900" title="Your account: password and API tokens">
                {session.user.username}
                {session.user.role === "admin" && <span className="ml-1 text-xs text-slate-400">(admin)</span>}
              </Link>
              {session.via === "session" && (
                <button type="button" onClick={() => logout.mutateAsync().then(() => router.push("/"))} className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100">
                  Log out
                </button>
              )}
            </>
          ) : session?.setupNeeded ? (
            <Link href="/setup" className="rounded bg-amber-100 px-2 py-1 text-amber-900 hover:bg-amber-200">
              Set up the administrator
            </Link>
          ) : (
            <LoginLink next={pathname} className="rounded border border-slate-300 px-2 py-1 text-slate-700 hover:bg-slate-100" />
          )}
        </span>
      </nav>
    </header>
  );
}
