"use client";
import { useEffect, useRef, useState } from "react";
import { rawUrl } from "@/lib/client/file-urls";
import { shownPath } from "@/lib/core/name-bytes";
import { fileKindOf } from "@/lib/core/file-kinds";
import { formatBytes } from "@/lib/core/format";
import { ImageViewer } from "./image-viewer";
import { JsonViewer } from "./json-viewer";
import { PdfViewer } from "./pdf-viewer";
import { RefusedViewer } from "./refused-viewer";
import { TableViewer } from "./table-viewer";
import { TextViewer } from "./text-viewer";

export interface FileViewerProps {
  id: number;
  path: string;
  size: number;
  /** The job still runs: text files may grow (process.log is followed at once). */
  running: boolean;
  refreshMs: number;
  onClose: () => void;
}

/**
 * A file of the job in the viewer its kind calls for (lib/core/file-kinds.ts): picture,
 * SVG (as a picture), PDF, table, JSON, text. Web pages and scripts are refused with the
 * reason; anything can be downloaded, and anything can be tried as text.
 */
export function FileViewer({ id, path, size, running, refreshMs, onClose }: FileViewerProps) {
  const kind = fileKindOf(path);
  const [asText, setAsText] = useState(false);
  const frame = useRef<HTMLDivElement>(null);
  // Braces: scrollIntoView returns a promise in recent Chromium, which React would take for a cleanup.
  useEffect(() => {
    frame.current?.scrollIntoView({ block: "nearest", behavior: "smooth" });
  }, [path]);
  const downloadUrl = rawUrl(id, path, true);
  const text = <TextViewer id={id} path={path} followFirst={running && path.endsWith(".log")} refreshMs={refreshMs} />;
  const body = asText
    ? text
    : kind === "image" || kind === "svg"
      ? <ImageViewer id={id} path={path} size={size} svg={kind === "svg"} />
      : kind === "pdf"
        ? <PdfViewer id={id} path={path} />
        : kind === "table"
          ? <TableViewer id={id} path={path} size={size} downloadUrl={downloadUrl} />
          : kind === "json"
            ? <JsonViewer id={id} path={path} refreshMs={refreshMs} />
            : kind === "text"
              ? text
              : <RefusedViewer path={path} downloadUrl={downloadUrl} onShowText={() => setAsText(true)} />;
  return (
    <div ref={frame} className="scroll-mt-4 border-b border-slate-200" data-testid="file-viewer" data-kind={asText ? "text" : kind}>
      <div className="flex flex-wrap items-center gap-x-3 gap-y-1 bg-slate-50 px-4 py-2 text-sm">
        <span className="min-w-0 flex-1 break-all font-mono text-xs">{shownPath(path)}</span>
        <span className="text-xs text-slate-500 tabular-nums">{formatBytes(size)}</span>
        {(kind === "table" || kind === "json" || kind === "svg") && (
          <button type="button" className="text-xs text-blue-700 hover:underline" onClick={() => setAsText((t) => !t)}>
            {asText ? "formatted" : "as text"}
          </button>
        )}
        <a className="text-blue-700 hover:underline" href={downloadUrl}>
          download
        </a>
        <button type="button" className="text-slate-600 hover:text-slate-900" onClick={onClose}>
          close
        </button>
      </div>
      {body}
    </div>
  );
}
