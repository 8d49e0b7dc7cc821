"use client";
import type { ConfigField } from "@/lib/core/config-form";
import { parseIniBoolean } from "@/lib/core/config-parser";
import { restartWho } from "./restart-notice";

const INPUT = "w-full rounded border px-3 py-2 text-sm focus:border-blue-600 focus:outline-none";

/** One key of QMserv.cfg: the input its type calls for, its help, and its error. */
export function ConfigFieldInput({ field, value, error, onChange, cleared, onClear }: {
  field: ConfigField;
  value: string;
  error?: string;
  onChange: (value: string) => void;
  /** A secret that is set: whether it is to be emptied at the next save (leaving it empty keeps it). */
  cleared?: boolean;
  onClear?: (clear: boolean) => void;
}) {
  const id = `cfg-${field.id}`;
  const describedBy = `${id}-note`;
  const common = { id, name: field.id, "aria-invalid": error ? true : undefined, "aria-describedby": describedBy, className: `${INPUT} ${error ? "border-red-400" : "border-slate-300"}` };
  let input: React.ReactNode;
  if (field.type === "boolean") {
    const bool = parseIniBoolean(value);
    input = (
      <select {...common} value={bool === undefined ? value : bool ? "True" : "False"} onChange={(e) => onChange(e.target.value)}>
        {bool === undefined && <option value={value}>{value || "(empty)"}</option>}
        <option value="True">True</option>
        <option value="False">False</option>
      </select>
    );
  } else if (field.type === "choice" && field.choices) {
    input = (
      <select {...common} value={value} onChange={(e) => onChange(e.target.value)}>
        {!field.choices.includes(value) && <option value={value}>{value || "(empty)"}</option>}
        {field.choices.map((c) => (
          <option key={c} value={c}>{c}</option>
        ))}
      </select>
    );
  } else if (field.type === "secret") {
    input = (
      <input
        {...common}
        type="password"
        autoComplete="new-password"
        value={value}
        placeholder={field.set ? "set — leave empty to keep it" : "not set"}
        disabled={cleared}
        onChange={(e) => onChange(e.target.value)}
      />
    );
    if (field.set && onClear) {
      input = (
        <>
          {input}
          <label className="mt-1 flex items-center gap-2 text-sm text-slate-700">
            <input type="checkbox" checked={cleared ?? false} onChange={(e) => onClear(e.target.checked)} />
            Clear it: remove the value from QMserv.cfg when saved
          </label>
        </>
      );
    }
  } else {
    input = (
      <input
        {...common}
        type={field.type === "integer" ? "number" : "text"}
        inputMode={field.type === "integer" ? "numeric" : undefined}
        min={field.min}
        max={field.max}
        value={value}
        onChange={(e) => onChange(e.target.value)}
      />
    );
  }
  const bounds = [field.min !== undefined ? `min ${field.min}` : "", field.max !== undefined ? `max ${field.max}` : ""].filter(Boolean).join(", ");
  return (
    <div className="grid gap-1 py-3 sm:grid-cols-[14rem_1fr] sm:gap-4" data-testid={`field-${field.id}`}>
      <div className="pt-2 text-sm">
        <label htmlFor={id}>
          <span className="font-mono font-medium break-all text-slate-800">{field.key}</span>
          {!field.known && <span className="ml-2 rounded bg-slate-100 px-1.5 py-0.5 text-xs text-slate-600">not used by QM</span>}
        </label>
        {field.restart && (
          // Outside the label, so the field's name stays the key; its description says it in words.
          <span aria-hidden="true" className="ml-2 rounded bg-amber-100 px-1.5 py-0.5 text-xs text-amber-900" data-testid={`restart-${field.id}`} title={`takes effect when ${restartWho(field.restart)} restarted`}>
            restart
          </span>
        )}
      </div>
      <div>
        {input}
        <p id={describedBy} className="mt-1 text-xs">
          {error ? (
            <span className="text-red-700" data-testid={`error-${field.id}`}>{error}</span>
          ) : (
            <span className="text-slate-500">
              {field.help}
              {bounds && ` (${bounds})`}
              {field.restart && ` — takes effect when ${restartWho(field.restart)} restarted`}
              {!field.inFile && field.type !== "secret" && ` — not in the file; default ${field.default || "empty"}`}
            </span>
          )}
        </p>
      </div>
    </div>
  );
}
