"use client";
import { useMemo } from "react";
import { useFileText } from "@/lib/client/use-file-text";
import { TextViewer } from "./text-viewer";

/** Members shown at most per object or array. */
const MAX_MEMBERS = 500;
/**
 * Levels folded at most: every level is a component inside the one above, rendered even
 * while folded, and a file nested thousands deep ("[[[[...") overflowed the browser's
 * stack and took the page down for whoever opened it.
 */
const MAX_DEPTH = 64;

function Value({ value }: { value: unknown }) {
  const color = typeof value === "string" ? "text-green-800" : typeof value === "number" ? "text-blue-800" : "text-purple-800";
  return <span className={`${color} [overflow-wrap:anywhere]`}>{JSON.stringify(value)}</span>;
}

function Node({ name, value, depth }: { name: string | null; value: unknown; depth: number }) {
  const label = name === null ? null : <span className="text-slate-500">{name}: </span>;
  if (value === null || typeof value !== "object") {
    return (
      <div>
        {label}
        <Value value={value} />
      </div>
    );
  }
  const [open, close] = Array.isArray(value) ? ["[", "]"] : ["{", "}"];
  if (depth >= MAX_DEPTH) {
    return (
      <div>
        {label}
        {open}
        <span className="text-slate-400"> … deeper than {MAX_DEPTH} levels, not folded here </span>
        {close}
      </div>
    );
  }
  const entries = Array.isArray(value) ? value.map((v, i) => [String(i), v] as const) : Object.entries(value);
  return (
    <details open={depth < 2}>
      <summary className="cursor-pointer">
        {label}
        {open}
        <span className="text-slate-400">
          {" "}
          {entries.length} {Array.isArray(value) ? (entries.length === 1 ? "item" : "items") : entries.length === 1 ? "key" : "keys"}{" "}
        </span>
        {close}
      </summary>
      <div className="border-l border-slate-200 pl-4">
        {entries.slice(0, MAX_MEMBERS).map(([k, v]) => (
          <Node key={k} name={k} value={v} depth={depth + 1} />
        ))}
        {entries.length > MAX_MEMBERS && <div className="text-slate-400">… {entries.length - MAX_MEMBERS} more</div>}
      </div>
    </details>
  );
}

/** JSON pretty-printed and foldable (<details>); a file that is not JSON, or too large, is shown as text. */
export function JsonViewer({ id, path, refreshMs }: { id: number; path: string; refreshMs: number }) {
  const file = useFileText(id, path, false, refreshMs);
  const parsed = useMemo(() => {
    if (file.loading || file.cut || file.error) return null;
    try {
      return { value: JSON.parse(file.text) as unknown };
    } catch (error) {
      return { error: (error as Error).message };
    }
  }, [file]);
  if (file.loading) return <p className="px-4 py-3 text-sm text-slate-500">Loading…</p>;
  if (!parsed || "error" in parsed) {
    return (
      <>
        <p className="px-4 pt-2 text-xs text-amber-800">{parsed ? `Not valid JSON (${parsed.error}); shown as text.` : "Too large to fold; shown as text."}</p>
        <TextViewer id={id} path={path} followFirst={false} refreshMs={refreshMs} />
      </>
    );
  }
  return (
    <div className="max-h-[70vh] overflow-auto px-4 py-3 font-mono text-xs leading-5" data-testid="json-viewer">
      <Node name={null} value={parsed.value} depth={0} />
    </div>
  );
}
