"use client";
import { useEffect, useRef, useState } from "react";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { useDeleteUserMutation, useUpdateUserMutation, useUsersQuery } from "@/lib/client/use-users";
import type { DeletedUser, UserSummary } from "@/lib/core/account-types";
import { ConfirmPopover } from "../../confirm-popover";
import { Panel, QueryError, th } from "../../ui-bits";
import { CreateUserForm } from "./create-user-form";

/** A cell: a table cell from sm up, a labelled line of the account's block below it. */
const cell = "flex flex-wrap items-center gap-x-2 px-3 py-1 sm:table-cell sm:py-2 sm:align-top";

/** The column's name, shown beside the value only when the header row is hidden (phones). */
function PhoneLabel({ children }: { children: string }) {
  return <span aria-hidden="true" className="w-16 shrink-0 text-xs uppercase tracking-wide text-slate-500 sm:hidden">{children}</span>;
}

/** Accounts: who may log in, their role, their e-mail (which also makes folder jobs theirs). */
export function UsersAdmin({ myId }: { myId: number }) {
  const query = useUsersQuery();
  // Said here, not in the row: the row is gone once the account is.
  const [deleted, setDeleted] = useState<DeletedUser | null>(null);
  return (
    <div className="space-y-5">
      <h1 className="text-2xl font-semibold">Users</h1>
      <CreateUserForm />
      <Panel title={`Accounts${query.data ? ` (${query.data.users.length})` : ""}`} testId="users">
        {query.error ? <QueryError error={query.error} next="/admin/users" /> : null}
        {deleted && (
          <p role="status" className="px-4 py-2 text-sm text-green-800">
            Account {deleted.username} deleted{deleted.jobs > 0 ? `; its ${deleted.jobs === 1 ? "job stays" : `${deleted.jobs} jobs stay`} in the history, under their e-mail` : ""}.
          </p>
        )}
        {query.data && (
          // Below the sm breakpoint each account is a block of its own (labels beside the values), so its
          // e-mail, role and actions fit a phone's width instead of sitting off screen in a wide table.
          <table className="block w-full text-sm sm:table">
            <thead className="hidden sm:table-header-group">
              <tr>
                <th className={th}>User</th>
                <th className={th}>E-mail</th>
                <th className={th}>Role</th>
                <th className={th}>Jobs</th>
                <th className={th}>Since</th>
                <th className={th}>Actions</th>
              </tr>
            </thead>
            <tbody className="block divide-y divide-slate-100 sm:table-row-group">
              {query.data.users.map((u) => (
                <UserRow key={u.id} user={u} isMe={u.id === myId} onDeleted={setDeleted} />
              ))}
            </tbody>
          </table>
        )}
      </Panel>
    </div>
  );
}

function UserRow({ user, isMe, onDeleted }: { user: UserSummary; isMe: boolean; onDeleted: (deleted: DeletedUser) => void }) {
  const update = useUpdateUserMutation();
  const remove = useDeleteUserMutation();
  const [asking, setAsking] = useState(false);
  const [resetting, setResetting] = useState(false);
  const [email, setEmail] = useState(user.email ?? "");
  const [notice, setNotice] = useState<string | null>(null);
  const resetButton = useRef<HTMLButtonElement>(null);
  const refocusReset = useRef(false);
  useEffect(() => {
    if (!resetting && refocusReset.current) resetButton.current?.focus();
    refocusReset.current = false;
  }, [resetting]);
  const cancelReset = () => {
    refocusReset.current = true;
    setResetting(false);
  };
  const change = (patch: Parameters<typeof update.mutateAsync>[0], said: string) =>
    update.mutateAsync(patch).then(() => setNotice(said), () => undefined);
  // An e-mail refused is said under the e-mail, and goes once it is edited again.
  const emailError = update.error && update.variables?.email !== undefined ? errorMessageOf(update.error) : null;
  const emailErrorId = `email-error-${user.id}`;

  return (
    <tr data-testid={`user-${user.username}`} className="block py-2 sm:table-row sm:py-0">
      {/* A disabled account's name and e-mail are greyed, not its buttons (Enable works). */}
      <td className={`${cell} font-medium ${user.disabled ? "text-slate-400" : ""}`}>
        {user.username}
        {isMe && <span className="ml-1 text-xs text-slate-500">(you)</span>}
        {user.disabled && <span className="ml-2 rounded bg-slate-100 px-1.5 text-xs">disabled</span>}
      </td>
      <td className={cell}>
        <PhoneLabel>E-mail</PhoneLabel>
        <form className="flex gap-1" onSubmit={(e) => (e.preventDefault(), change({ id: user.id, email }, "E-mail saved."))}>
          <input aria-label={`E-mail of ${user.username}`} type="email" value={email} aria-invalid={emailError ? true : undefined} aria-describedby={emailError ? emailErrorId : undefined}
            onChange={(e) => (setEmail(e.target.value), emailError && update.reset())} className={`w-48 rounded border px-2 py-1 ${emailError ? "border-red-500" : "border-slate-300"} ${user.disabled ? "text-slate-400" : ""}`} />
          {email !== (user.email ?? "") && <button className="rounded border border-slate-300 px-2 text-xs">Save</button>}
        </form>
        {emailError && <p id={emailErrorId} role="alert" className="mt-1 max-w-xs text-xs text-red-700">{emailError}</p>}
      </td>
      <td className={cell}>
        <PhoneLabel>Role</PhoneLabel>
        <select aria-label={`Role of ${user.username}`} value={user.role} onChange={(e) => change({ id: user.id, role: e.target.value as "admin" | "user" }, "Role changed.")} className="rounded border border-slate-300 px-2 py-1">
          <option value="user">user</option>
          <option value="admin">admin</option>
        </select>
      </td>
      <td className={`${cell} tabular-nums`}>
        <PhoneLabel>Jobs</PhoneLabel>
        {user.jobs}
      </td>
      <td className={`${cell} text-slate-500`}>
        <PhoneLabel>Since</PhoneLabel>
        {formatDate(user.createdAt)}
      </td>
      <td className="block px-3 py-1 sm:table-cell sm:py-2 sm:align-top">
        {/* relative: the delete question opens under the row's buttons, its right edge on the cell's (on a phone, the screen's). */}
        <div className="relative flex flex-wrap items-center gap-2">
          <button type="button" onClick={() => change({ id: user.id, disabled: !user.disabled }, user.disabled ? "Enabled." : "Disabled: their sessions ended.")} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
            {user.disabled ? "Enable" : "Disable"}
          </button>
          {resetting ? (
            <form className="flex gap-1" onSubmit={(e) => {
              e.preventDefault();
              const password = String(new FormData(e.currentTarget).get("password") ?? "");
              void change({ id: user.id, password }, "Password reset: give it to them; their sessions ended.").then(() => setResetting(false));
            }}>
              {/* Focused when opened; Cancel (or Escape) closes it without a change and gives the focus back. */}
              <input name="password" type="password" aria-label={`New password for ${user.username}`} minLength={8} required autoComplete="new-password" autoFocus onKeyDown={(e) => e.key === "Escape" && cancelReset()} className="w-36 rounded border border-slate-300 px-2 py-1" />
              <button className="rounded bg-blue-700 px-2 text-xs text-white">Set</button>
              <button type="button" onClick={cancelReset} className="rounded border border-slate-300 px-2 text-xs hover:bg-slate-100">Cancel</button>
            </form>
          ) : (
            <button type="button" ref={resetButton} onClick={() => setResetting(true)} className="rounded border border-slate-300 px-2 py-1 text-xs hover:bg-slate-100">
              Reset password
            </button>
          )}
          <button type="button" onClick={() => (remove.reset(), setAsking(true))} className="rounded border border-red-300 px-2 py-1 text-xs text-red-700 hover:bg-red-50">
            Delete
          </button>
          {asking && (
            <ConfirmPopover
              label={`Delete account ${user.username}`}
              question={`Delete the account ${user.username}? Its sessions and API tokens end at once; its finished jobs stay in the history, under their e-mail. This cannot be undone: to only stop its logins, disable it instead.`}
              yes="Yes, delete"
              yesClass="bg-red-700 hover:bg-red-800"
              busy={remove.isPending}
              onCancel={() => setAsking(false)}
              // mutateAsync: its promise settles even once the row, gone with the account, is unmounted.
              onYes={() => remove.mutateAsync(user.id).then(({ deleted }) => onDeleted(deleted), () => undefined).finally(() => setAsking(false))}
            />
          )}
        </div>
        {remove.error && <p role="alert" className="mt-1 max-w-xs text-xs text-red-700">{errorMessageOf(remove.error)}</p>}
        {update.error ? !emailError && <p role="alert" className="mt-1 max-w-xs text-xs text-red-700">{errorMessageOf(update.error)}</p> : notice && <p role="status" className="mt-1 text-xs text-green-800">{notice}</p>}
      </td>
    </tr>
  );
}
