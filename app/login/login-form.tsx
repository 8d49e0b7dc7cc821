"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { safeNext } from "@/lib/core/safe-next";
import { useLoginMutation } from "@/lib/client/use-auth-mutations";
import { useSessionQuery } from "@/lib/client/use-session-query";
import { AuthCard, Field, FormAlert } from "./auth-card";

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const { data: session } = useSessionQuery();
  const login = useLoginMutation();

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    try {
      await login.mutateAsync({ username: String(form.get("username") ?? ""), password: String(form.get("password") ?? "") });
      router.push(safeNext(params.get("next")));
    } catch {
      // shown from login.error below
    }
  }

  return (
    <AuthCard
      title="Log in"
      note={
        // Nothing until the server said which applies: the ordinary note would flash first on a Require_Login server.
        !session
          ? null
          : session.loginRequired
          ? "This server asks for a login even to view the queue (Require_Login = yes): log in to see the jobs, submit as yourself and kill, requeue or delete your own jobs. Accounts are made by the administrator."
          : "Log in to submit jobs as yourself and to kill, requeue or delete your own jobs. Accounts are made by the administrator."
      }
    >
      {session?.setupNeeded && (
        <p className="mb-4 rounded bg-amber-50 p-3 text-sm text-amber-900">
          No administrator account exists yet. <Link href="/setup" className="underline">Create it on the setup page</Link>.
        </p>
      )}
      <form onSubmit={submit} className="space-y-4">
        <Field label="User name" name="username" autoComplete="username" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        {login.error && <FormAlert>{errorMessageOf(login.error)}</FormAlert>}
        <button type="submit" disabled={login.isPending} className="w-full rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          {login.isPending ? "Logging in…" : "Log in"}
        </button>
      </form>
    </AuthCard>
  );
}
