"use client";
import { useState } from "react";
import { ApiError, errorMessageOf } from "@/lib/client/api-fetch";
import { useChangePasswordMutation } from "@/lib/client/use-account";
import { Field, FormAlert } from "../login/auth-card";

export function PasswordForm() {
  const change = useChangePasswordMutation();
  const [done, setDone] = useState(false);
  const details = change.error instanceof ApiError ? (change.error.details ?? {}) : {};

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(false);
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    try {
      await change.mutateAsync({ currentPassword: String(form.get("currentPassword") ?? ""), newPassword: String(form.get("newPassword") ?? "") });
      setDone(true);
      formEl.reset();
    } catch {
      // shown below
    }
  }

  return (
    <form onSubmit={submit} aria-label="Change password" className="space-y-3 rounded-lg border border-slate-200 bg-white p-4">
      <h2 className="font-semibold">Password</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="Current password" name="currentPassword" type="password" autoComplete="current-password" error={details.currentPassword} />
        <Field label="New password" name="newPassword" type="password" autoComplete="new-password" minLength={8} error={details.newPassword} />
      </div>
      {change.error && !Object.keys(details).length && <FormAlert>{errorMessageOf(change.error)}</FormAlert>}
      {done && (
        <p role="status" className="text-sm text-green-800">
          Password changed. Your other sessions were logged out.
        </p>
      )}
      <button type="submit" disabled={change.isPending} className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
        Change password
      </button>
    </form>
  );
}
