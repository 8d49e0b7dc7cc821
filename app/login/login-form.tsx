"use client";
import Link from "next/link";
import { useRouter, useSearchParams } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/lib/client/api-fetch";
import { setCsrfToken } from "@/lib/client/csrf";
import { useSessionQuery } from "@/lib/client/use-session-query";
import { AuthCard, Field } from "./auth-card";

/** Only a path of this site: never send someone elsewhere after logging in. */
export function safeNext(next: string | null): string {
  return next && next.startsWith("/") && !next.startsWith("//") && !next.startsWith("/\\") ? next : "/";
}

export function LoginForm() {
  const router = useRouter();
  const params = useSearchParams();
  const client = useQueryClient();
  const { data: session } = useSessionQuery();
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    setBusy(true);
    setError(null);
    try {
      const answer = await apiFetch<{ csrfToken: string }>("/api/auth/login", {
        method: "POST",
        body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
      });
      setCsrfToken(answer.csrfToken);
      await client.invalidateQueries();
      router.push(safeNext(params.get("next")));
    } catch (e) {
      setError(e instanceof ApiError ? e.message : "Cannot reach the server; try again.");
    } finally {
      setBusy(false);
    }
  }

  return (
    <AuthCard title="Log in" note="Administrator login: needed to kill, delete and requeue jobs and to change the configuration.">
      {session?.setupNeeded && (
        <p className="mb-4 rounded bg-amber-50 p-3 text-sm text-amber-900">
          No administrator account exists yet. <Link href="/setup" className="underline">Create it on the setup page</Link>.
        </p>
      )}
      <form onSubmit={submit} className="space-y-4">
        <Field label="User name" name="username" autoComplete="username" defaultValue="admin" />
        <Field label="Password" name="password" type="password" autoComplete="current-password" />
        {error && (
          <p role="alert" className="text-sm text-red-700">
            {error}
          </p>
        )}
        <button type="submit" disabled={busy} className="w-full rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          {busy ? "Logging in…" : "Log in"}
        </button>
      </form>
    </AuthCard>
  );
}
