"use client";
import { useState } from "react";
import { jobFileUrl, rawUrl, thumbnailUrl } from "@/lib/client/file-urls";
import { fileKindOf, isPicture } from "@/lib/core/file-kinds";
import { Panel } from "../ui-bits";
import type { ShownRun } from "./compare-view";

/** Picture names compared at most. */
const MAX_NAMES = 12;

/** The pictures that two or more runs have under the same name, the runs' side by side. */
export function CompareImages({ runs }: { runs: ShownRun[] }) {
  const counts = new Map<string, number>();
  for (const run of runs) for (const f of run.files ?? []) if (isPicture(f.path)) counts.set(f.path, (counts.get(f.path) ?? 0) + 1);
  const names = [...counts].filter(([, n]) => n >= 2).map(([name]) => name).sort().slice(0, MAX_NAMES);
  if (!names.length) return null;
  return (
    <Panel title="Pictures side by side" testId="compare-images">
      <div className="space-y-4 px-4 py-3">
        {names.map((name) => (
          <figure key={name} data-testid={`compare-image-${name}`}>
            <figcaption className="mb-1 font-mono text-xs text-slate-600">{name}</figcaption>
            <div className="grid gap-2" style={{ gridTemplateColumns: `repeat(auto-fit, minmax(min(100%, ${runs.length > 3 ? 120 : 140}px), 1fr))` }}>
              {runs.map((run) => {
                const has = run.files?.some((f) => f.path === name);
                return (
                  <div key={run.id} className="rounded border border-slate-200 bg-slate-50 p-1">
                    <div className="mb-1 text-xs text-slate-500">job {run.id}</div>
                    {has ? (
                      <RunPicture id={run.id} name={name} />
                    ) : (
                      <p className="p-4 text-center text-xs text-slate-400">(not in this run)</p>
                    )}
                  </div>
                );
              })}
            </div>
          </figure>
        ))}
      </div>
    </Panel>
  );
}

/** One run's picture, linked to its viewer; a file the browser cannot decode says so instead of a broken image. */
function RunPicture({ id, name }: { id: number; name: string }) {
  const [broken, setBroken] = useState(false);
  return (
    <a href={jobFileUrl(id, name)}>
      {broken ? (
        <p className="p-4 text-center text-xs text-amber-700" role="alert">The browser could not show this picture.</p>
      ) : (
        // eslint-disable-next-line @next/next/no-img-element -- a job's file, served by our route
        <img
          src={fileKindOf(name) === "svg" ? rawUrl(id, name) : thumbnailUrl(id, name, "preview")}
          alt={`${name} of job ${id}`}
          loading="lazy"
          className="mx-auto max-h-80 w-full object-contain"
          onError={() => setBroken(true)}
        />
      )}
    </a>
  );
}
