"use client";
import { useCallback, useState } from "react";

/**
 * The file open in the job page's viewer, kept in the URL (?file=) so that a look at a
 * result can be shared; the results strip and the file list both open files through it.
 */
export function useViewedFile(): [string | null, (path: string | null) => void] {
  const [viewing, setViewing] = useState<string | null>(() => (typeof window === "undefined" ? null : new URLSearchParams(window.location.search).get("file")));
  const set = useCallback((path: string | null) => {
    setViewing(path);
    const url = new URL(window.location.href);
    if (path) url.searchParams.set("file", path);
    else url.searchParams.delete("file");
    window.history.replaceState(window.history.state, "", url);
  }, []);
  return [viewing, set];
}
