"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";

/**
 * The file open in the job page's viewer, kept in the URL (?file=) so that a look at a
 * result can be shared; the results strip and the file list both open files through it.
 * Read through Next's search params: on a client-side navigation (a dashboard thumbnail)
 * the browser's address changes only after the page is first drawn.
 */
export function useViewedFile(): [string | null, (path: string | null) => void] {
  const fromUrl = useSearchParams().get("file");
  const [viewing, setViewing] = useState<string | null>(fromUrl);
  useEffect(() => setViewing(fromUrl), [fromUrl]);
  const set = useCallback((path: string | null) => {
    setViewing(path);
    const url = new URL(window.location.href);
    if (path) url.searchParams.set("file", path);
    else url.searchParams.delete("file");
    window.history.replaceState(window.history.state, "", url);
  }, []);
  return [viewing, set];
}
