"use client";
import { rawUrl } from "@/lib/client/file-urls";

/**
 * A PDF in the browser's own viewer. The frame has no `sandbox` attribute, since Chromium
 * refuses its PDF viewer in sandboxed frames: the PDF response carries a CSP `sandbox`
 * instead (lib/web/file-headers.ts), so the framed document is sandboxed all the same
 * (an opaque origin: nothing in it reaches this page or the API with your login).
 */
export function PdfViewer({ id, path }: { id: number; path: string }) {
  return (
    <div className="bg-slate-100 p-2" data-testid="pdf-viewer">
      <iframe src={rawUrl(id, path)} title={`PDF ${path}`} className="h-[75vh] w-full rounded border border-slate-300 bg-white" referrerPolicy="no-referrer" />
    </div>
  );
}
