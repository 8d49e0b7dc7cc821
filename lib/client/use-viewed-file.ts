"use client";
import { useSearchParams } from "next/navigation";
import { useCallback, useEffect, useState } from "react";
import { pathParam } from "../core/name-bytes";
import { encodePath } from "./file-urls";

/**
 * The file open in the job page's viewer, kept in the URL (?file=) so that a look at a
 * result can be shared; the results strip and the file list both open files through it.
 * Read through Next's search params: on a client-side navigation (a dashboard thumbnail)
 * the browser's address changes only after the page is first drawn. The path is bytes
 * (a name need not be UTF-8): written percent-encoded byte for byte and read back so, from
 * the address itself once in the browser (search params would read such a byte as U+FFFD).
 */
export function useViewedFile(): [string | null, (path: string | null) => void] {
  const params = useSearchParams();
  const fromUrl = params.get("file");
  const [viewing, setViewing] = useState<string | null>(fromUrl);
  useEffect(() => setViewing(fromUrl === null ? null : (pathParam(window.location.search, "file") ?? fromUrl)), [fromUrl]);
  const set = useCallback((path: string | null) => {
    setViewing(path);
    const url = new URL(window.location.href);
    url.searchParams.delete("file");
    if (path) url.search = `${url.search ? `${url.search}&` : "?"}file=${encodePath(path)}`;
    window.history.replaceState(window.history.state, "", url);
  }, []);
  return [viewing, set];
}
