"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import { useFileText } from "@/lib/client/use-file-text";
import { formatBytes } from "@/lib/core/format";

/** Matches marked at most (the count says how many there are). */
const MAX_MARKS = 2000;

function findMatches(text: string, needle: string): number[] {
  if (!needle) return [];
  const hay = text.toLowerCase();
  const want = needle.toLowerCase();
  const found: number[] = [];
  for (let i = hay.indexOf(want); i >= 0; i = hay.indexOf(want, i + want.length)) found.push(i);
  return found;
}

/**
 * Any file as text, with line numbers, search (case-insensitive, Enter for the next
 * match) and "follow" for a file that grows. Two <pre> side by side (numbers, text), not
 * one element per line: 2 MB of text stays quick to show.
 */
export function TextViewer({ id, path, followFirst, refreshMs }: { id: number; path: string; followFirst: boolean; refreshMs: number }) {
  const [follow, setFollow] = useState(followFirst);
  const [needle, setNeedle] = useState("");
  const [current, setCurrent] = useState(0);
  const file = useFileText(id, path, follow, Math.min(refreshMs, 2000));
  const box = useRef<HTMLDivElement>(null);
  const marks = useRef<(HTMLElement | null)[]>([]);
  const matches = useMemo(() => findMatches(file.text, needle), [file.text, needle]);
  const lineCount = useMemo(() => file.text.split("\n").length - (file.text.endsWith("\n") ? 1 : 0), [file.text]);

  useEffect(() => {
    if (follow && box.current && !needle) box.current.scrollTop = box.current.scrollHeight;
  }, [file.text, follow, needle]);
  useEffect(() => {
    marks.current[current]?.scrollIntoView({ block: "center", inline: "nearest" });
  }, [current, matches]);

  const shown = matches.slice(0, MAX_MARKS);
  const pieces: React.ReactNode[] = [];
  let at = 0;
  shown.forEach((m, i) => {
    pieces.push(file.text.slice(at, m));
    pieces.push(
      <mark key={i} ref={(el) => void (marks.current[i] = el)} className={i === current ? "bg-amber-400" : "bg-yellow-200"}>
        {file.text.slice(m, m + needle.length)}
      </mark>,
    );
    at = m + needle.length;
  });
  pieces.push(file.text.slice(at));
  const go = (dir: 1 | -1) => shown.length && setCurrent((c) => (c + dir + shown.length) % shown.length);

  if (file.binary) return <p className="px-4 py-3 text-sm text-slate-600">This file is not text (it holds binary bytes); download it.</p>;
  return (
    <div data-testid="text-viewer">
      <div className="flex flex-wrap items-center gap-2 px-4 py-2 text-xs text-slate-600">
        <input
          type="search"
          className="w-44 rounded border border-slate-300 px-2 py-1 text-sm"
          placeholder="Search"
          aria-label="Search in the file"
          value={needle}
          onChange={(e) => (setNeedle(e.target.value), setCurrent(0))}
          onKeyDown={(e) => e.key === "Enter" && go(e.shiftKey ? -1 : 1)}
        />
        {needle && (
          <span data-testid="search-count" className="tabular-nums">
            {matches.length ? `${Math.min(current + 1, shown.length)} of ${matches.length}` : "no match"}
          </span>
        )}
        <button type="button" className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40" disabled={!shown.length} onClick={() => go(-1)} aria-label="Previous match">
          ↑
        </button>
        <button type="button" className="rounded border border-slate-300 px-2 py-0.5 disabled:opacity-40" disabled={!shown.length} onClick={() => go(1)} aria-label="Next match">
          ↓
        </button>
        <label className="ml-auto flex items-center gap-1">
          <input type="checkbox" checked={follow} onChange={(e) => setFollow(e.target.checked)} /> follow
        </label>
        <span className="tabular-nums">
          {lineCount} lines
          {file.cut && ` · the first ${formatBytes(file.text.length)} of ${formatBytes(file.size)}; download it for the rest`}
          {!file.fromStart && " · the end of the file"}
        </span>
      </div>
      {file.error && <p className="px-4 pb-2 text-xs text-red-700">{file.error}</p>}
      <div ref={box} className="flex max-h-[70vh] min-h-16 overflow-auto border-t border-slate-100 font-mono text-xs leading-5">
        <pre aria-hidden="true" className="sticky left-0 select-none bg-slate-50 px-2 py-2 text-right text-slate-400">
          {file.loading ? " " : Array.from({ length: lineCount }, (_, i) => (file.fromStart ? i + 1 : "·")).join("\n")}
        </pre>
        <pre data-testid="file-content" className="flex-1 whitespace-pre px-3 py-2">
          {file.loading ? "Loading…" : pieces}
        </pre>
      </div>
    </div>
  );
}
