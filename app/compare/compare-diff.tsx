"use client";
import { useQuery } from "@tanstack/react-query";
import { useState } from "react";
import { toApiError } from "@/lib/client/api-fetch";
import { rawUrl } from "@/lib/client/file-urls";
import { queryKeys } from "@/lib/client/query-keys";
import { isTextFileName } from "@/lib/core/file-kinds";
import { formatBytes } from "@/lib/core/format";
import { diffLines } from "@/lib/core/line-diff";
import { Panel } from "../ui-bits";
import type { ShownRun } from "./compare-view";

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

/** Files larger than this are not diffed in the page. */
const MAX_DIFF_BYTES = 1024 * 1024;

function useWholeFile(id: number, path: string) {
  return useQuery({
    queryKey: queryKeys.jobs.wholeFile(id, path),
    queryFn: async () => {
      const res = await fetch(rawUrl(id, path), { cache: "no-store" });
      if (!res.ok) throw await toApiError(res);
      return res.text();
    },
    staleTime: 60_000,
  });
}

function Diff({ base, other, path }: { base: ShownRun; other: ShownRun; path: string }) {
  const a = useWholeFile(base.id, path);
  const b = useWholeFile(other.id, path);
  const title = `job ${base.id} → job ${other.id}`;
  if (a.error || b.error) return <p className="text-sm text-red-700">{title}: {((a.error ?? b.error) as Error).message}</p>;
  if (a.data === undefined || b.data === undefined) return <p className="text-sm text-slate-500">{title}: loading…</p>;
  const result = diffLines(a.data, b.data);
  return (
    <div data-testid={`diff-${other.id}`}>
      <p className="mb-1 text-xs text-slate-600">
        {title}: {"tooDifferent" in result ? "the files differ almost everywhere; compare them whole." : result.hunks.length === 0 ? "the same." : `${plural(result.added, "line")} added, ${result.removed} removed`}
      </p>
      {"hunks" in result && result.hunks.length > 0 && (
        <div className="max-h-[60vh] overflow-auto rounded border border-slate-200 font-mono text-xs leading-5">
          {result.hunks.map((hunk, h) => (
            <div key={h} className="border-b border-slate-200 last:border-0">
              {hunk.lines.map((line, i) => (
                <div key={i} className={`flex whitespace-pre ${line.kind === "add" ? "bg-green-50 text-green-900" : line.kind === "del" ? "bg-red-50 text-red-900" : ""}`}>
                  <span className="w-10 shrink-0 select-none pr-1 text-right text-slate-400">{line.a ?? ""}</span>
                  <span className="w-10 shrink-0 select-none pr-1 text-right text-slate-400">{line.b ?? ""}</span>
                  <span className="w-4 shrink-0 select-none text-center">{line.kind === "add" ? "+" : line.kind === "del" ? "−" : " "}</span>
                  <span className="pr-3">{line.text}</span>
                </div>
              ))}
            </div>
          ))}
        </div>
      )}
    </div>
  );
}

/** A diff of the text files that two or more runs have under the same name, against a chosen run. */
export function CompareDiff({ runs }: { runs: ShownRun[] }) {
  const sizes = new Map<string, number[]>();
  for (const run of runs) for (const f of run.files ?? []) if (isTextFileName(f.path)) sizes.set(f.path, [...(sizes.get(f.path) ?? []), f.size]);
  const names = [...sizes].filter(([, s]) => s.length >= 2).map(([name]) => name).sort((x, y) => Number(x === "process.log") - Number(y === "process.log") || x.localeCompare(y));
  const [path, setPath] = useState<string | null>(null);
  const [baseId, setBaseId] = useState(runs[0].id);
  if (!names.length) return null;
  const chosen = path && names.includes(path) ? path : names[0];
  const base = runs.find((r) => r.id === baseId) ?? runs[0];
  const holders = runs.filter((r) => r.files?.some((f) => f.path === chosen));
  const tooLarge = (sizes.get(chosen) ?? []).some((s) => s > MAX_DIFF_BYTES);
  const select = "rounded border border-slate-300 px-1 py-0.5";
  return (
    <Panel title="Text files compared" testId="compare-diff">
      <div className="space-y-3 px-4 py-3 text-sm">
        <div className="flex flex-wrap items-center gap-2 text-xs text-slate-600">
          <select className={select} aria-label="File" value={chosen} onChange={(e) => setPath(e.target.value)}>
            {names.map((n) => (
              <option key={n}>{n}</option>
            ))}
          </select>
          <span>against</span>
          <select className={select} aria-label="Base run" value={base.id} onChange={(e) => setBaseId(Number(e.target.value))}>
            {runs.map((r) => (
              <option key={r.id} value={r.id}>
                job {r.id}
              </option>
            ))}
          </select>
        </div>
        {tooLarge ? (
          <p className="text-slate-600">This file is larger than {formatBytes(MAX_DIFF_BYTES)} in at least one run; download it to compare.</p>
        ) : !holders.includes(base) ? (
          <p className="text-slate-600">Job {base.id} has no {chosen}; pick another run to compare against.</p>
        ) : (
          holders.filter((r) => r !== base).map((other) => <Diff key={`${chosen}-${other.id}`} base={base} other={other} path={chosen} />)
        )}
      </div>
    </Panel>
  );
}
