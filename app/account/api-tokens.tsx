"use client";
import { useState } from "react";
import { errorMessageOf } from "@/lib/client/api-fetch";
import { formatDate } from "@/lib/client/format-date";
import { useCreateTokenMutation, useRevokeTokenMutation, useTokensQuery } from "@/lib/client/use-account";
import { ConfirmPopover } from "../confirm-popover";
import { Panel, QueryError, td, th } from "../ui-bits";

/** Personal API tokens: made here (shown once), used as `Authorization: Bearer` or QM_TOKEN, revoked here. */
export function ApiTokens() {
  const query = useTokensQuery();
  const create = useCreateTokenMutation();
  const revoke = useRevokeTokenMutation();
  const [fresh, setFresh] = useState<{ id: number; name: string; token: string } | null>(null);
  /** The token whose revocation is being asked about: scripts using it stop working. */
  const [asking, setAsking] = useState<number | null>(null);

  async function submit(event: React.FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const formEl = event.currentTarget;
    try {
      const { token } = await create.mutateAsync(String(new FormData(formEl).get("name") ?? ""));
      setFresh({ id: token.id, name: token.name, token: token.token });
      formEl.reset();
    } catch {
      // shown below
    }
  }

  return (
    <Panel title="API tokens" testId="api-tokens">
      <div className="space-y-3 px-4 py-3 text-sm">
        <p className="text-slate-600">
          For scripts and the <code>qm</code> command: <code>export QM_TOKEN=…</code>, or send <code>Authorization: Bearer …</code>. A token acts as you; revoke it when a machine is gone.
        </p>
        <form onSubmit={submit} className="flex flex-wrap items-end gap-2" aria-label="New API token">
          <label className="text-sm">
            <span className="mb-1 block font-medium text-slate-700">Name</span>
            <input name="name" required maxLength={100} placeholder="e.g. laptop, analysis pipeline" className="w-64 rounded border border-slate-300 px-3 py-1.5" />
          </label>
          <button type="submit" disabled={create.isPending} className="rounded bg-blue-700 px-3 py-1.5 font-medium text-white hover:bg-blue-800 disabled:opacity-50">
            Create token
          </button>
        </form>
        {create.error && <p role="alert" className="text-red-700">{errorMessageOf(create.error)}</p>}
        {fresh && (
          <div role="status" className="rounded border border-green-300 bg-green-50 p-3">
            <p className="mb-1 font-medium text-green-900">Token “{fresh.name}”: copy it now, it is not shown again.</p>
            <code data-testid="new-token" className="block break-all rounded bg-white px-2 py-1 font-mono text-xs">
              {fresh.token}
            </code>
          </div>
        )}
      </div>
      {query.error ? <QueryError error={query.error} /> : null}
      {revoke.error && (
        <p role="alert" className="px-4 pb-3 text-sm text-red-700">
          The token was not revoked: {errorMessageOf(revoke.error)}
        </p>
      )}
      {query.data && query.data.tokens.length > 0 && (
        <table className="w-full text-sm">
          <thead>
            <tr>
              <th className={th}>Name</th>
              <th className={th}>Created</th>
              <th className={th}>Last used</th>
              <th className={th}></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-100">
            {query.data.tokens.map((t) => (
              <tr key={t.id} data-testid={`token-${t.id}`} className={t.revokedAt ? "text-slate-400" : undefined}>
                <td className={td}>{t.name}</td>
                <td className={td}>{formatDate(t.createdAt)}</td>
                <td className={td}>{formatDate(t.lastUsedAt)}</td>
                <td className={`${td} relative`}>
                  {t.revokedAt ? (
                    <span>revoked {formatDate(t.revokedAt)}</span>
                  ) : (
                    <>
                      <button type="button" onClick={() => setAsking(t.id)} className="rounded border border-red-300 px-2 py-0.5 text-xs text-red-700 hover:bg-red-50">
                        Revoke
                      </button>
                      {asking === t.id && (
                        <ConfirmPopover
                          label={`Revoke token ${t.name}`}
                          question={`Revoke “${t.name}”? Scripts and qm commands that use it stop working at once; this cannot be undone.`}
                          yes="Yes, revoke"
                          yesClass="bg-red-700 hover:bg-red-800"
                          busy={revoke.isPending}
                          onCancel={() => setAsking(null)}
                          onYes={() => {
                            revoke.mutate(t.id, { onSuccess: () => setAsking(null) });
                            // A revoked token's text is of no use any more: not left on the screen.
                            if (fresh?.id === t.id) setFresh(null);
                          }}
                        />
                      )}
                    </>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </Panel>
  );
}
