"use client";
import Link from "next/link";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { ApiError, apiFetch } from "@/lib/client/api-fetch";
import { setCsrfToken } from "@/lib/client/csrf";
import { useSessionQuery } from "@/lib/client/use-session-query";
import { AuthCard, Field } from "../login/auth-card";

export function SetupForm() {
  const router = useRouter();
  const client = useQueryClient();
  const { data: session, isPending } = useSessionQuery();
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [busy, setBusy] = useState(false);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    if (form.get("password") !== form.get("confirm")) return setErrors({ confirm: "The two passwords differ." });
    setBusy(true);
    setErrors({});
    try {
      const answer = await apiFetch<{ csrfToken: string }>("/api/auth/setup", {
        method: "POST",
        body: JSON.stringify({ username: form.get("username"), password: form.get("password") }),
      });
      setCsrfToken(answer.csrfToken);
      await client.invalidateQueries();
      router.push("/");
    } catch (e) {
      setErrors(e instanceof ApiError ? { ...e.details, _: e.message } : { _: "Cannot reach the server; try again." });
    } finally {
      setBusy(false);
    }
  }

  if (!isPending && session && !session.setupNeeded) {
    return (
      <AuthCard title="Setup done" note="The administrator account exists already.">
        <Link href="/login" className="text-blue-700 underline">
          Log in
        </Link>
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create the administrator" note="First start: choose the administrator's user name and password (at least 8 characters).">
      <form onSubmit={submit} className="space-y-4">
        <Field label="User name" name="username" autoComplete="username" defaultValue="admin" />
        {errors.username && <p className="text-sm text-red-700">{errors.username}</p>}
        <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={8} />
        {errors.password && <p className="text-sm text-red-700">{errors.password}</p>}
        <Field label="Password again" name="confirm" type="password" autoComplete="new-password" />
        {errors.confirm && <p className="text-sm text-red-700">{errors.confirm}</p>}
        {errors._ && (
          <p role="alert" className="text-sm text-red-700">
            {errors._}
          </p>
        )}
        <button type="submit" disabled={busy} className="w-full rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          Create and log in
        </button>
      </form>
    </AuthCard>
  );
}
