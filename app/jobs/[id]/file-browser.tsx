"use client";
import { useEffect, useState } from "react";
import { ApiError } from "@/lib/client/api-fetch";
import { rawUrl } from "@/lib/client/file-urls";
import { shownPath } from "@/lib/core/name-bytes";
import { formatDate } from "@/lib/client/format-date";
import { formatBytes } from "@/lib/core/format";
import { useJobFilesQuery } from "@/lib/client/use-job-query";
import { Panel, QueryError } from "../../ui-bits";
import { FileViewer } from "./viewers/file-viewer";

function FolderIcon() {
  return (
    <svg aria-hidden="true" viewBox="0 0 20 20" className="mr-1 inline h-4 w-4 fill-amber-400 align-[-2px]">
      <path d="M2 5a2 2 0 0 1 2-2h4l2 2h6a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5z" />
    </svg>
  );
}

/** A private entry (kept from others by its mode): its refusal to this viewer, or who may open it. */
function PrivateMark({ refusal }: { refusal?: string }) {
  return (
    <span className="ml-1 rounded bg-slate-100 px-1 text-xs text-slate-600" title={refusal ?? "Private (not readable by others on the server): only the job's owner and administrators may open it."} data-testid="private-mark">
      private
    </span>
  );
}

/** Entries listed at first in a folder; the rest on demand (a folder of thousands of pictures stays quick). */
const FIRST_LISTED = 300;
const parentOf = (path: string) => (path.includes("/") ? path.slice(0, path.lastIndexOf("/")) : "");

interface FileBrowserProps {
  id: number;
  refreshMs: number;
  folderKey: string;
  running: boolean;
  /** The file open in the viewer (useViewedFile), and how to open another. */
  viewing: string | null;
  onView: (path: string | null) => void;
}

/** The job folder: nested folders, every file opened in its viewer, any file downloadable. */
export function FileBrowser({ id, refreshMs, folderKey, running, viewing, onView }: FileBrowserProps) {
  const [dir, setDir] = useState(() => parentOf(viewing ?? ""));
  const [listAll, setListAll] = useState(false);
  // A file opened from elsewhere (the results strip) is shown in its folder.
  useEffect(() => {
    if (viewing) setDir(parentOf(viewing));
  }, [viewing]);
  const { data, error } = useJobFilesQuery(id, dir, refreshMs, folderKey);
  const crumbs = dir ? dir.split("/") : [];
  const open = (path: string) => {
    setDir(path);
    setListAll(false);
    onView(null);
  };
  const viewed = data?.entries.find((e) => e.path === viewing && e.type === "file" && !e.refusal);
  const refused = data?.entries.find((e) => e.path === viewing && e.refusal);
  const entries = data ? (listAll ? data.entries : data.entries.slice(0, FIRST_LISTED)) : [];
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
              {shownPath(c)}
            </button>
          </span>
        ))}
      </nav>
      {viewing && viewed && (
        <FileViewer key={viewing} id={id} path={viewing} size={viewed.size} running={running} refreshMs={refreshMs} onClose={() => onView(null)} />
      )}
      {viewing && refused && (
        <p className="border-b border-slate-200 px-4 py-2 text-sm text-amber-800" data-testid="file-missing">
          {refused.refusal}{" "}
          <button type="button" className="text-blue-700 hover:underline" onClick={() => onView(null)}>
            close
          </button>
        </p>
      )}
      {viewing && data && data.path === parentOf(viewing) && !viewed && !refused && (
        <p className="border-b border-slate-200 px-4 py-2 text-sm text-amber-800" data-testid="file-missing">
          There is no file &quot;{shownPath(viewing)}&quot; in this job&apos;s folder (any more).{" "}
          <button type="button" className="text-blue-700 hover:underline" onClick={() => onView(null)}>
            close
          </button>
        </p>
      )}
      {error && viewing && dir === parentOf(viewing) && error instanceof ApiError ? (
        // ?file= naming a path the server refuses (../../etc/passwd) or a folder that is not there.
        <p className="border-b border-slate-200 px-4 py-2 text-sm text-amber-800" data-testid="file-missing">
          Cannot show &quot;{shownPath(viewing)}&quot;: {error.message}{" "}
          <button type="button" className="text-blue-700 hover:underline" onClick={() => open("")}>
            close
          </button>
        </p>
      ) : (
        error && <QueryError error={error} />
      )}
      {data && (
        <ul className="divide-y divide-slate-100 text-sm">
          {data.entries.length === 0 && <li className="px-4 py-2 text-slate-500">This folder is empty.</li>}
          {entries.map((e) => (
            <li key={e.path} className={`flex flex-wrap items-center gap-x-3 gap-y-1 px-4 py-1.5 ${e.path === viewing ? "bg-blue-50" : ""}`} data-testid={`file-${e.path}`}>
              <span className="min-w-0 flex-1 break-all">
                {e.refusal ? (
                  // Private to the job's owner: its name and size, no link.
                  <span className="text-slate-500">
                    {e.name}
                    {e.type === "dir" ? "/" : ""}
                  </span>
                ) : e.type === "dir" ? (
                  <button type="button" className="font-medium text-blue-700 hover:underline" onClick={() => open(e.path)}>
                    <FolderIcon /> {e.name}/
                  </button>
                ) : e.type === "file" ? (
                  <button type="button" className="text-left text-blue-700 hover:underline" onClick={() => onView(e.path)}>
                    {e.name}
                  </button>
                ) : (
                  <span className="text-slate-400" title="a link leading outside the job folder, or to nothing: not served">
                    {e.name} ({e.type})
                  </span>
                )}
                {e.private && <PrivateMark refusal={e.refusal} />}
                {e.notUtf8 && (
                  <span className="ml-1 text-xs text-slate-500" title="Its name is not UTF-8 (from an older system): shown as Latin-1. Downloads and zips save it under this name.">
                    (name not UTF-8)
                  </span>
                )}
              </span>
              {e.type === "file" && <span className="w-20 text-right text-xs tabular-nums text-slate-500">{formatBytes(e.size)}</span>}
              <span className="hidden w-44 text-right text-xs text-slate-500 sm:inline">{formatDate(e.modifiedAt)}</span>
              {e.type === "file" && !e.refusal && (
                <a className="text-xs text-blue-700 hover:underline" href={rawUrl(id, e.path, true)} aria-label={`Download ${e.name}`}>
                  download
                </a>
              )}
            </li>
          ))}
          {entries.length < data.entries.length && (
            <li className="px-4 py-2">
              <button type="button" className="text-sm text-blue-700 hover:underline" onClick={() => setListAll(true)}>
                Show all {data.entries.length.toLocaleString()} entries ({(data.entries.length - entries.length).toLocaleString()} more)
              </button>
            </li>
          )}
        </ul>
      )}
    </Panel>
  );
}
