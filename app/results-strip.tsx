"use client";
import Link from "next/link";
import { useState } from "react";
import { jobFileUrl, rawUrl, thumbnailUrl } from "@/lib/client/file-urls";
import { useResultsQuery } from "@/lib/client/use-results-query";
import type { ResultFile } from "@/lib/core/api-types";

const SIZES = {
  /** The job page: captioned tiles. */
  large: { shown: 12, box: "h-24 w-32", label: true },
  /** A dashboard row: small tiles, the rest counted. */
  small: { shown: 4, box: "h-8 w-10", label: false },
};

function Tile({ id, file, size }: { id: number; file: ResultFile; size: keyof typeof SIZES }) {
  const [broken, setBroken] = useState(false);
  const name = file.path.split("/").pop()!;
  const picture = (file.kind === "image" || file.kind === "svg") && !broken;
  return (
    <span className={`flex ${SIZES[size].box} shrink-0 items-center justify-center overflow-hidden rounded border border-slate-200 bg-slate-50`}>
      {picture ? (
        // SVG is shown by its own file (in an <img> nothing of it runs); other pictures made smaller.
        // eslint-disable-next-line @next/next/no-img-element -- a job's file, served by our route
        <img
          src={file.kind === "svg" ? rawUrl(id, file.path) : thumbnailUrl(id, file.path)}
          alt={name}
          loading="lazy"
          decoding="async"
          className="h-full w-full object-contain"
          onError={() => setBroken(true)}
        />
      ) : (
        <span className="px-1 text-center font-mono text-[10px] font-semibold uppercase text-slate-500">{name.includes(".") ? name.split(".").pop() : "file"}</span>
      )}
    </span>
  );
}

/**
 * A job's results at a glance: thumbnails of its pictures (or of the files its info file
 * names with `results = ...`). The page never waits for them: each thumbnail is made on
 * the server when first asked for, then cached. On the job page a click opens the file
 * in the viewer (`onOpen`); elsewhere it leads to the job page with the file open.
 * `end` is the job's resultsEnd (null while it may still write files).
 */
export function ResultsStrip({ id, end, refreshMs, size, onOpen }: { id: number; end: string | null; refreshMs: number; size: keyof typeof SIZES; onOpen?: (path: string) => void }) {
  const { data } = useResultsQuery(id, end, refreshMs);
  if (!data || !data.files.length) return null;
  const { shown, label } = SIZES[size];
  const files = data.files.slice(0, shown);
  const more = data.more + data.files.length - files.length;
  return (
    <ul className={`flex flex-wrap items-start ${label ? "gap-3" : "gap-1"}`} data-testid={`results-${id}`} aria-label="Results">
      {files.map((file) => {
        const tile = <Tile id={id} file={file} size={size} />;
        const caption = label && <span className="mt-1 block max-w-32 truncate text-xs text-slate-600">{file.path}</span>;
        return (
          <li key={file.path} title={file.path}>
            {onOpen ? (
              <button type="button" className="block text-left hover:opacity-80" onClick={() => onOpen(file.path)} aria-label={`Open ${file.path}`}>
                {tile}
                {caption}
              </button>
            ) : (
              <Link href={jobFileUrl(id, file.path)} className="block hover:opacity-80" aria-label={`Open ${file.path}`}>
                {tile}
                {caption}
              </Link>
            )}
          </li>
        );
      })}
      {more > 0 && <li className={`self-center text-xs text-slate-500 ${label ? "" : "pl-1"}`}>+{more}</li>}
    </ul>
  );
}
