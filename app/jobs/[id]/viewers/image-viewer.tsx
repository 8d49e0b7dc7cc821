"use client";
import { useEffect, useState } from "react";
import { toApiError } from "@/lib/client/api-fetch";
import { rawUrl, thumbnailUrl } from "@/lib/client/file-urls";
import { formatBytes } from "@/lib/core/format";

/** Above this size a picture is first shown made smaller (1600 px), its full resolution on demand. */
const PREVIEW_ABOVE = 1.5 * 1024 * 1024;
/** GIFs are shown as they are (animated) up to this size. */
const GIF_AS_IS = 10 * 1024 * 1024;
const STEPS = [0.25, 0.5, 1, 2, 4];

/**
 * A picture of the job with zoom: fitted to the page, or at 25-400 % of its size (click
 * toggles fit and 100 %). Large ones come made smaller first. SVG comes as an <img>, in
 * which nothing of it runs (never as markup in the page).
 */
export function ImageViewer({ id, path, size, svg }: { id: number; path: string; size: number; svg: boolean }) {
  const gif = path.toLowerCase().endsWith(".gif");
  const large = !svg && size > (gif ? GIF_AS_IS : PREVIEW_ABOVE);
  const [full, setFull] = useState(!large);
  const [zoom, setZoom] = useState<"fit" | number>("fit");
  const [error, setError] = useState<string | null>(null);
  const [natural, setNatural] = useState(0);
  const src = full ? rawUrl(id, path) : thumbnailUrl(id, path, "preview");
  useEffect(() => setError(null), [src]);

  // An <img> that fails says nothing: ask the route why, for the message.
  const explain = async () => {
    const res = await fetch(src, { cache: "no-store" }).catch(() => null);
    setError(res && !res.ok ? (await toApiError(res)).message : "The browser could not show this picture (it may be damaged, or not of the kind its name says).");
  };
  const step = (dir: 1 | -1) => setZoom((z) => STEPS[Math.min(STEPS.length - 1, Math.max(0, STEPS.indexOf(z === "fit" ? 1 : z) + dir))]);
  const button = "rounded border border-slate-300 px-2 py-0.5 text-xs hover:bg-slate-100 disabled:opacity-40";
  return (
    <div data-testid="image-viewer">
      <div className="flex flex-wrap items-center gap-2 px-4 py-2 text-xs text-slate-600">
        <button type="button" className={button} onClick={() => setZoom("fit")} disabled={zoom === "fit"}>
          Fit
        </button>
        <button type="button" className={button} onClick={() => setZoom(1)} disabled={zoom === 1}>
          100%
        </button>
        <button type="button" className={button} onClick={() => step(-1)} aria-label="Zoom out">
          −
        </button>
        <button type="button" className={button} onClick={() => step(1)} aria-label="Zoom in">
          +
        </button>
        <span className="tabular-nums">{zoom === "fit" ? "fitted" : `${zoom * 100}%`}</span>
        {!full && (
          <span>
            shown at 1600 px ({formatBytes(size)} file) ·{" "}
            <button type="button" className="text-blue-700 hover:underline" onClick={() => setFull(true)}>
              full resolution
            </button>
          </span>
        )}
        {svg && <span>SVG drawings are shown as pictures: scripts and links inside them do not run.</span>}
      </div>
      {error ? (
        <p role="alert" className="px-4 pb-3 text-sm text-red-700">
          {error}
        </p>
      ) : (
        <div className={`overflow-auto bg-[repeating-conic-gradient(#f1f5f9_0_25%,#fff_0_50%)] bg-[length:16px_16px] ${zoom === "fit" ? "flex justify-center" : ""} max-h-[75vh]`}>
          {/* eslint-disable-next-line @next/next/no-img-element -- a job's file, served by our route */}
          <img
            src={src}
            alt={path}
            data-testid="image-view"
            onError={explain}
            onClick={() => setZoom((z) => (z === "fit" ? 1 : "fit"))}
            className={zoom === "fit" ? "max-h-[75vh] max-w-full cursor-zoom-in object-contain" : "max-w-none cursor-zoom-out"}
            style={zoom === "fit" || !natural ? undefined : { width: natural * zoom }}
            onLoad={(e) => setNatural(e.currentTarget.naturalWidth)}
          />
        </div>
      )}
    </div>
  );
}
