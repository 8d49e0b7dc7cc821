"use client";
import Link from "next/link";
import type { SessionUser } from "@/lib/core/account-types";
import { ApiTokens } from "./api-tokens";
import { PasswordForm } from "./password-form";

/**
 * Who you are, your password, and your API tokens for scripts and the qm command.
 * `ownJobActions`: what a user may do with their own jobs under QMserv.cfg's switches ("hold, release, requeue, kill or delete").
 */
export function AccountView({ user, ownJobActions, adminOnly }: { user: SessionUser; ownJobActions: string; adminOnly: boolean }) {
  return (
    <div className="mx-auto max-w-3xl space-y-5">
      {adminOnly && (
        <p role="alert" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          That page is for the administrator only.
        </p>
      )}
      <div>
        <h1 className="text-2xl font-semibold">{user.username}</h1>
        <p className="text-sm text-slate-600">
          {user.role === "admin" ? "Administrator: you may act on every job, manage users and edit the configuration." : `You may submit jobs and ${ownJobActions} your own.`}{" "}
          {user.email ? (
            <>Your jobs are mailed to {user.email}.</>
          ) : user.role === "admin" ? (
            // The administrator is the one who adds e-mails: sent to where that is done, not told to ask.
            <>
              You have no e-mail on record; add yours on the{" "}
              <Link href="/admin/users" className="text-blue-700 underline">
                Users page
              </Link>
              .
            </>
          ) : (
            <>You have no e-mail on record; ask the administrator to add one.</>
          )}
        </p>
      </div>
      <PasswordForm />
      <ApiTokens />
    </div>
  );
}
