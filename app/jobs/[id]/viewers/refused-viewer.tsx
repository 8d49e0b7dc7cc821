"use client";
import { fileKindOf } from "@/lib/core/file-kinds";

/**
 * What the page will not show, said plainly, with the way to get the file: web pages and
 * scripts a job wrote would run as this site, with your login; other files have no viewer.
 */
export function RefusedViewer({ path, downloadUrl, onShowText }: { path: string; downloadUrl: string; onShowText: () => void }) {
  const active = fileKindOf(path) === "active";
  return (
    <div className="space-y-2 px-4 py-3 text-sm" data-testid="viewer-refused">
      {active ? (
        <p className="text-amber-900">
          This is a web page or a script that the job wrote. QueueManager does not open it here: it could act as this site with your login. Download it and open it on
          your computer, or look at its source as text.
        </p>
      ) : (
        <p className="text-slate-600">There is no viewer for this kind of file. Download it, or try to show it as text.</p>
      )}
      <div className="flex gap-3">
        <a className="rounded bg-slate-800 px-3 py-1 text-white hover:bg-slate-700" href={downloadUrl}>
          Download
        </a>
        <button type="button" className="rounded border border-slate-300 px-3 py-1 hover:bg-slate-100" onClick={onShowText}>
          {active ? "Show the source as text" : "Try as text"}
        </button>
      </div>
    </div>
  );
}
