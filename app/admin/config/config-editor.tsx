"use client";
import Link from "next/link";
import { useEffect, useMemo, useState } from "react";
import { ApiError, errorMessageOf } from "@/lib/client/api-fetch";
import { useConfigQuery, useSaveConfigMutation } from "@/lib/client/use-config-query";
import { type ConfigField, checkFieldValue } from "@/lib/core/config-form";
import { QueryError } from "../../ui-bits";
import { ConfigFieldInput } from "./config-field-input";
import { RestartPending, restartAdvice, workerRestartAdvice } from "./restart-notice";

const SECTION_TITLES: Record<string, string> = { QMServer: "Queue ([QMServer])", WEB_QMserver: "Web page ([WEB_QMserver])" };

export function ConfigEditor() {
  const query = useConfigQuery();
  const save = useSaveConfigMutation();
  const [values, setValues] = useState<Record<string, string>>({});
  /** Secrets to empty at the next save (an empty input keeps a secret). */
  const [cleared, setCleared] = useState<string[]>([]);
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [notice, setNotice] = useState<{ kind: "ok" | "error"; text: string; reload?: boolean } | null>(null);
  const fields = query.data?.fields;

  useEffect(() => {
    if (fields) setValues(Object.fromEntries(fields.map((f) => [f.id, f.value])));
    setCleared([]);
  }, [fields]);

  const sections = useMemo(() => {
    const out = new Map<string, ConfigField[]>();
    for (const f of fields ?? []) out.set(f.section, [...(out.get(f.section) ?? []), f]);
    return [...out];
  }, [fields]);

  if (query.error) return <QueryError error={query.error} next="/admin/config" />;
  if (!query.data || !fields) return <p className="text-sm text-slate-500">Loading…</p>;

  const changed = fields.filter((f) => (values[f.id] ?? f.value) !== f.value && !cleared.includes(f.id));

  async function submit(event: React.FormEvent) {
    event.preventDefault();
    setNotice(null);
    const local: Record<string, string> = {};
    for (const f of changed) {
      const problem = f.type === "secret" && values[f.id] === "" ? null : checkFieldValue(f, values[f.id].trim());
      if (problem) local[f.id] = problem;
    }
    setErrors(local);
    const refused = fields!.filter((f) => local[f.id]);
    if (refused.length) {
      // Named, and the first one focused (scrolled to): on a long page, a phone's above all, the
      // fields in question can be screens away from this bar.
      const keys = refused.map((f) => f.key);
      setNotice({ kind: "error", text: `${keys.join(", ")} need${keys.length > 1 ? "" : "s"} fixing: see the message under ${keys.length > 1 ? "each" : "it"}.` });
      document.getElementById(`cfg-${refused[0].id}`)?.focus();
      return;
    }
    try {
      const result = await save.mutateAsync({ version: query.data!.version, values: Object.fromEntries(changed.map((f) => [f.id, values[f.id]])), clear: cleared });
      const waiting = (result.restartPending ?? []).filter((p) => result.changed.includes(p.id));
      const workerWaits = result.changed.filter((id) => result.fields.find((f) => f.id === id)?.restart === "worker");
      const live = result.changed.filter((id) => !waiting.some((p) => p.id === id) && !workerWaits.includes(id));
      setNotice({
        kind: "ok",
        text: result.changed.length
          ? [
              `Saved ${result.changed.map((id) => id.split(".")[1]).join(", ")} to QMserv.cfg.`,
              live.length ? `The worker and the web pages apply ${waiting.length || workerWaits.length ? live.map((id) => id.split(".")[1]).join(", ") : "it"} within a few seconds.` : "",
              restartAdvice(waiting),
              workerRestartAdvice(workerWaits.map((id) => id.split(".")[1])),
            ].filter(Boolean).join(" ")
          : "Nothing changed.",
      });
    } catch (e) {
      const details = e instanceof ApiError ? (e.details ?? {}) : {};
      setErrors(details);
      const first = fields!.find((f) => details[f.id]);
      if (first) document.getElementById(`cfg-${first.id}`)?.focus();
      setNotice({ kind: "error", text: errorMessageOf(e), reload: e instanceof ApiError && e.code === "CONFLICT" });
    }
  }

  return (
    <section className="mx-auto max-w-4xl">
      <h1 className="mb-1 text-2xl font-semibold">Configuration</h1>
      <p className="mb-5 text-sm break-words text-slate-600">
        Editing <code className="rounded bg-slate-100 px-1 break-all">{query.data.path}</code>. Comments, order and keys not shown here are kept as they are.
        Keys marked <span className="rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900">restart</span> take effect at the next start.{" "}
        <Link href="/admin/retention" className="underline">
          What the retention keys remove
        </Link>
      </p>
      <RestartPending pending={query.data.restartPending ?? []} />
      {query.data.invalid && (
        <p role="alert" data-testid="config-invalid" className="mb-4 rounded border border-red-200 bg-red-50 p-3 text-sm text-red-800">
          QMserv.cfg as it is now cannot be used, so the worker and the web server keep the settings they had: {query.data.invalid} Fix that value below (or in the
          file) and save; until then no change can be saved.
        </p>
      )}
      {query.data.warnings?.length ? (
        <div role="status" data-testid="config-warnings" className="mb-4 rounded border border-amber-200 bg-amber-50 p-3 text-sm text-amber-900">
          QMserv.cfg is read, but perhaps not as meant:
          <ul className="mt-1 list-disc pl-5">
            {query.data.warnings.map((w) => (
              <li key={w}>{w}</li>
            ))}
          </ul>
          Saving that key here sets it everywhere it is written.
        </div>
      ) : null}
      {/* The margin keeps a field focused by Tab (the browser scrolls it just into view) above the sticky
          Save bar instead of under it, with its help line. */}
      <form onSubmit={submit} noValidate className="space-y-6 [&_input]:scroll-mb-32 [&_select]:scroll-mb-32">
        {sections.map(([section, list]) => (
          <fieldset key={section} className="rounded-lg border border-slate-200 bg-white px-4 pb-2">
            <legend className="px-1 text-sm font-semibold text-slate-700">{SECTION_TITLES[section] ?? section}</legend>
            <div className="divide-y divide-slate-100">
              {list.map((f) => (
                <ConfigFieldInput
                  key={f.id}
                  field={f}
                  value={values[f.id] ?? f.value}
                  error={errors[f.id]}
                  onChange={(v) => setValues((old) => ({ ...old, [f.id]: v }))}
                  cleared={cleared.includes(f.id)}
                  onClear={(clear) => setCleared((old) => (clear ? [...old, f.id] : old.filter((id) => id !== f.id)))}
                />
              ))}
            </div>
          </fieldset>
        ))}
        <div className="sticky bottom-0 flex flex-wrap items-center gap-x-3 gap-y-1 border-t border-slate-200 bg-slate-50 py-3 shadow-[0_-6px_8px_-6px_rgba(15,23,42,0.15)]">
          <button type="submit" disabled={save.isPending || changed.length + cleared.length === 0} className="rounded bg-blue-700 px-4 py-2 text-sm font-medium text-white hover:bg-blue-800 disabled:opacity-50">
            {save.isPending ? "Saving…" : changed.length + cleared.length ? `Save ${changed.length + cleared.length} change${changed.length + cleared.length > 1 ? "s" : ""}` : "No changes"}
          </button>
          {changed.length + cleared.length > 0 && (
            <button type="button" onClick={() => { setValues(Object.fromEntries(fields.map((f) => [f.id, f.value]))); setCleared([]); setErrors({}); setNotice(null); }} className="rounded border border-slate-300 px-3 py-2 text-sm text-slate-700 hover:bg-slate-100">
              Undo changes
            </button>
          )}
          {notice && (
            <p role={notice.kind === "error" ? "alert" : "status"} data-testid="config-notice" className={`text-sm ${notice.kind === "ok" ? "text-green-800" : "text-red-700"}`}>
              {notice.text}
              {notice.reload && (
                <button type="button" className="ml-2 underline" onClick={() => { setNotice(null); setErrors({}); void query.refetch(); }}>
                  Reload the file
                </button>
              )}
            </p>
          )}
        </div>
      </form>
    </section>
  );
}
