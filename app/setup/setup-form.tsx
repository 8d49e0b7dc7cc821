"use client";
import { useRouter } from "next/navigation";
import { useState } from "react";
import { ApiError, errorMessageOf } from "@/lib/client/api-fetch";
import { useSetupMutation } from "@/lib/client/use-auth-mutations";
import { useSessionQuery } from "@/lib/client/use-session-query";
import { AuthCard, Field, FormAlert } from "../login/auth-card";
import { LoginLink } from "../ui-bits";

export function SetupForm() {
  const router = useRouter();
  const { data: session, isPending } = useSessionQuery();
  const setup = useSetupMutation();
  // Checked here before anything is sent: the server never sees the second password.
  const [mismatch, setMismatch] = useState(false);
  const errors = setup.error instanceof ApiError ? (setup.error.details ?? {}) : {};

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const differ = form.get("password") !== form.get("confirm");
    setMismatch(differ);
    if (differ) return setup.reset();
    try {
      const token = form.get("token");
      await setup.mutateAsync({
        username: String(form.get("username") ?? ""),
        password: String(form.get("password") ?? ""),
        ...(token !== null ? { token: String(token) } : {}),
      });
      router.push("/");
    } catch {
      // shown from setup.error below
    }
  }

  if (!isPending && session && !session.setupNeeded) {
    return (
      <AuthCard title="Setup done" note="The administrator account exists already.">
        <LoginLink className="text-blue-700 underline" />
      </AuthCard>
    );
  }
  return (
    <AuthCard title="Create the administrator" note="First start: choose the administrator's user name and password (at least 8 characters).">
      <form onSubmit={submit} className="space-y-4">
        <Field label="User name" name="username" autoComplete="username" defaultValue="admin" error={errors.username} />
        <Field label="Password" name="password" type="password" autoComplete="new-password" minLength={8} error={errors.password} />
        <Field label="Password again" name="confirm" type="password" autoComplete="new-password" error={mismatch && "The two passwords differ."} />
        {session?.setupTokenRequired && (
          <>
            <Field label="Setup token (from the server log)" name="token" autoComplete="off" error={errors.token} />
            <p className="text-sm text-slate-500">
              You are not on the server itself, or not as the account that runs QueueManager: the web server printed a one-time token in its log, on the line starting with [setup].
            </p>
          </>
        )}
        {/* A refusal about fields is said on them (once, where it is heard); another one here. */}
        {setup.error && !Object.keys(errors).length && <FormAlert>{errorMessageOf(setup.error)}</FormAlert>}
        <button type="submit" disabled={setup.isPending} className="w-full rounded bg-blue-700 px-4 py-2 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
          Create and log in
        </button>
      </form>
    </AuthCard>
  );
}
