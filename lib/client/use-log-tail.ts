"use client";
import { useEffect, useMemo, useRef, useState } from "react";
import { apiFetch } from "./api-fetch";
import type { LogChunk } from "../core/api-types";
import { appendTerminalText, applyCarriageReturns, withoutPendingReturn, withoutTerminalCodes } from "../core/carriage-returns";

const MAX_CHARS = 400_000;

/**
 * Follow process.log: first its last 64 KB, then whatever was appended since the byte
 * offset of the previous answer, every `intervalMs` (sooner while there is more to read).
 * The text is as a terminal shows it (a progress bar's carriage returns applied); the
 * offsets followed are the file's bytes, untouched.
 */
export function useLogTail(id: number, intervalMs: number, active: boolean) {
  const [text, setText] = useState("");
  const [exists, setExists] = useState(true);
  const [error, setError] = useState<string | null>(null);
  const offset = useRef<number | undefined>(undefined);

  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      // A hidden tab does not need the log: look again later (as TanStack Query does).
      if (document.hidden && offset.current !== undefined) {
        timer = setTimeout(poll, intervalMs);
        return;
      }
      let more = false;
      let failed = false;
      try {
        const query = offset.current === undefined ? "" : `?offset=${offset.current}`;
        const chunk = await apiFetch<LogChunk>(`/api/jobs/${id}/log${query}`);
        if (stopped) return;
        setExists(chunk.exists);
        setError(null);
        if (chunk.reset) setText(applyCarriageReturns(chunk.text));
        else if (chunk.text) setText((old) => appendTerminalText(old, chunk.text).slice(-MAX_CHARS));
        more = chunk.nextOffset < chunk.size && chunk.text.length > 0;
        offset.current = chunk.nextOffset;
      } catch (e) {
        failed = true;
        if (!stopped) setError((e as Error).message);
      }
      if (!stopped && (active || more || failed)) timer = setTimeout(poll, more ? 50 : intervalMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, intervalMs, active]);

  // Once per new text, not at every render of the page (up to 400,000 characters).
  const shown = useMemo(() => withoutTerminalCodes(withoutPendingReturn(text)), [text]);
  return { text: shown, exists, error };
}
