"use client";
import { useQuery } from "@tanstack/react-query";
import { toApiError } from "@/lib/client/api-fetch";
import { formatBytes } from "@/lib/core/format";
import { queryKeys } from "@/lib/client/query-keys";

const MAX_INLINE = 2 * 1024 * 1024;

/** A text file of the job, shown as plain text (never rendered). */
export function FileViewer({ id, path, size, rawUrl, downloadUrl, onClose }: { id: number; path: string; size: number; rawUrl: string; downloadUrl: string; onClose: () => void }) {
  const tooBig = size > MAX_INLINE;
  const { data, error, isPending } = useQuery({
    queryKey: [...queryKeys.jobs.files(id, path), "text"],
    queryFn: async () => {
      const res = await fetch(rawUrl, { cache: "no-store" });
      if (!res.ok) throw await toApiError(res);
      return res.text();
    },
    enabled: !tooBig,
  });
  return (
    <div className="border-t border-slate-200" data-testid="file-viewer">
      <div className="flex flex-wrap items-center gap-3 bg-slate-50 px-4 py-2 text-sm">
        <span className="min-w-0 flex-1 break-all font-mono text-xs">{path}</span>
        <a className="text-blue-700 hover:underline" href={downloadUrl}>
          download
        </a>
        <button type="button" className="text-slate-600 hover:text-slate-900" onClick={onClose}>
          close
        </button>
      </div>
      {tooBig ? (
        <p className="px-4 py-3 text-sm text-slate-600">This file is {formatBytes(size)}, too large to show here; download it.</p>
      ) : error ? (
        <p className="px-4 py-3 text-sm text-red-700">{(error as Error).message}</p>
      ) : (
        <pre data-testid="file-content" className="max-h-[32rem] overflow-auto whitespace-pre-wrap px-4 [overflow-wrap:anywhere] py-3 font-mono text-xs leading-5">
          {isPending ? "Loading…" : data}
        </pre>
      )}
    </div>
  );
}
