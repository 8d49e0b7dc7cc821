"use client";
import { useState } from "react";
import { formatDate } from "@/lib/client/format-date";
import { formatBytes } from "@/lib/core/format";
import { useJobFilesQuery } from "@/lib/client/use-job-query";
import { Panel, QueryError } from "../../ui-bits";
import { FileViewer } from "./file-viewer";

function FolderIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="mr-1 inline h-4 w-4 fill-amber-400 align-[-2px]">
      <path d="M2 5a2 2 0 0 1 2-2h4l2 2h6a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5z" />
    </svg>
  );
}

const rawUrl = (id: number, path: string, download = false) => `/api/jobs/${id}/files/raw?path=${encodeURIComponent(path)}${download ? "&download=1" : ""}`;

/** The job folder: nested folders, text files viewed inline, any file downloadable. */
export function FileBrowser({ id, refreshMs, folderKey }: { id: number; refreshMs: number; folderKey: string }) {
  const [dir, setDir] = useState("");
  const [viewing, setViewing] = useState<string | null>(null);
  const { data, error } = useJobFilesQuery(id, dir, refreshMs, folderKey);
  const crumbs = dir ? dir.split("/") : [];
  const open = (path: string) => {
    setDir(path);
    setViewing(null);
  };
  return (
    <Panel
      title="Files"
      testId="file-browser"
      aside={
        <a href={`/api/jobs/${id}/download`} className="rounded bg-slate-800 px-3 py-1 text-sm text-white hover:bg-slate-700" data-testid="download-zip" download>
          Download all (.zip)
        </a>
      }
    >
      <nav className="flex flex-wrap items-center gap-1 border-b border-slate-100 px-4 py-2 text-sm" aria-label="Folder" data-testid="file-path">
        <button type="button" className="text-left text-blue-700 [overflow-wrap:anywhere] hover:underline" onClick={() => open("")}>
          {folderKey.split("/").pop()}
        </button>
        {crumbs.map((c, i) => (
          <span key={i} className="flex items-center gap-1">
            <span className="text-slate-400">/</span>
            <button type="button" className="text-blue-700 hover:underline" onClick={() => open(crumbs.slice(0, i + 1).join("/"))}>
              {c}
            </button>
          </span>
        ))}
      </nav>
      {error && <QueryError error={error} />}
      {data && (
        <ul className="divide-y divide-slate-100 text-sm">
          {data.entries.length === 0 && <li className="px-4 py-2 text-slate-500">This folder is empty.</li>}
          {data.entries.map((e) => (
            <li key={e.path} className="flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-1.5" data-testid={`file-${e.path}`}>
              <span className="min-w-0 flex-1 break-all">
                {e.type === "dir" ? (
                  <button type="button" className="font-medium text-blue-700 hover:underline" onClick={() => open(e.path)}>
                    <FolderIcon /> {e.name}/
                  </button>
                ) : e.type === "file" && e.text ? (
                  <button type="button" className="text-blue-700 hover:underline" onClick={() => setViewing(e.path)}>
                    {e.name}
                  </button>
                ) : e.type === "file" ? (
                  <a className="text-blue-700 hover:underline" href={rawUrl(id, e.path, true)}>
                    {e.name}
                  </a>
                ) : (
                  <span className="text-slate-400" title="a link leading outside the job folder, or to nothing: not served">
                    {e.name} ({e.type})
                  </span>
                )}
              </span>
              {e.type === "file" && <span className="w-20 text-right text-xs tabular-nums text-slate-500">{formatBytes(e.size)}</span>}
              <span className="hidden w-44 text-right text-xs text-slate-500 sm:inline">{formatDate(e.modifiedAt)}</span>
              {e.type === "file" && (
                <a className="text-xs text-blue-700 hover:underline" href={rawUrl(id, e.path, true)} aria-label={`Download ${e.name}`}>
                  download
                </a>
              )}
            </li>
          ))}
        </ul>
      )}
      {viewing && <FileViewer id={id} path={viewing} size={data?.entries.find((e) => e.path === viewing)?.size ?? 0} onClose={() => setViewing(null)} rawUrl={rawUrl(id, viewing)} downloadUrl={rawUrl(id, viewing, true)} />}
    </Panel>
  );
}
