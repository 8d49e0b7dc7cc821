"use client";
import { useState } from "react";
import { ApiError, errorMessageOf } from "@/lib/client/api-fetch";
import { useCreateUserMutation } from "@/lib/client/use-users";
import { Field, FormAlert } from "../../login/auth-card";

/** The administrator makes an account: user name, e-mail, role and a first password to hand over. */
export function CreateUserForm() {
  const create = useCreateUserMutation();
  const [done, setDone] = useState<string | null>(null);
  const details = create.error instanceof ApiError ? (create.error.details ?? {}) : {};

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    setDone(null);
    const formEl = event.currentTarget;
    const form = new FormData(formEl);
    const input = {
      username: String(form.get("username") ?? ""),
      email: String(form.get("email") ?? ""),
      role: form.get("role") === "admin" ? ("admin" as const) : ("user" as const),
      password: String(form.get("password") ?? ""),
    };
    try {
      const { user } = await create.mutateAsync(input);
      setDone(`${user.username} can now log in with the password you chose; they can change it on their account page.`);
      formEl.reset();
    } catch {
      // shown below
    }
  }

  return (
    <form onSubmit={submit} className="space-y-3 rounded-lg border border-slate-200 bg-white p-4" aria-label="New user">
      <h2 className="font-semibold">New user</h2>
      <div className="grid gap-3 sm:grid-cols-2">
        <Field label="User name" name="username" autoComplete="off" error={details.username} />
        <Field label="E-mail" name="email" type="email" required={false} placeholder="their jobs' e_mail" error={details.email} />
        <Field label="First password" name="password" type="password" autoComplete="new-password" minLength={8} error={details.password} />
        <label className="block text-sm">
          <span className="mb-1 block font-medium text-slate-700">Role</span>
          <select name="role" defaultValue="user" className="w-full rounded border border-slate-300 px-3 py-2">
            <option value="user">user: submits and acts on their own jobs</option>
            <option value="admin">admin: acts on every job, users and configuration</option>
          </select>
        </label>
      </div>
      {create.error && !Object.keys(details).length && <FormAlert>{errorMessageOf(create.error)}</FormAlert>}
      {done && (
        <p role="status" className="text-sm text-green-800">
          {done}
        </p>
      )}
      <button type="submit" disabled={create.isPending} className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
        {create.isPending ? "Creating…" : "Create user"}
      </button>
    </form>
  );
}
