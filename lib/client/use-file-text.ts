"use client";
import { useEffect, useState } from "react";
import type { TextChunk } from "../core/api-types";
import { apiFetch } from "./api-fetch";
import { textUrl } from "./file-urls";

/** Text held at most: the first (or, when following, the last) 2 MB of a file. */
export const MAX_TEXT_CHARS = 2 * 1024 * 1024;

export interface FileText {
  text: string;
  /** The file's size at the last read. */
  size: number;
  /** The text starts at the beginning of the file (else it is its end: followed or cut). */
  fromStart: boolean;
  /** The file goes on after the text (larger than what is held, not followed). */
  cut: boolean;
  binary: boolean;
  loading: boolean;
  error: string | null;
}

/**
 * A file of the job as text (GET /api/jobs/:id/files/text): read from its start up to
 * MAX_TEXT_CHARS; with `follow`, what it gains is added every `intervalMs` (a file larger
 * than what is held is followed from its end).
 */
export function useFileText(id: number, path: string, follow: boolean, intervalMs: number): FileText {
  const [state, setState] = useState<FileText>({ text: "", size: 0, fromStart: true, cut: false, binary: false, loading: true, error: null });
  useEffect(() => {
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let text = "";
    let fromStart = true;
    let offset: number | "tail" = 0;
    const publish = (chunk: TextChunk, more: boolean) =>
      setState({ text, size: chunk.size, fromStart, cut: !follow && more, binary: chunk.binary, loading: false, error: null });
    const step = async () => {
      try {
        const chunk = await apiFetch<TextChunk>(textUrl(id, path, offset));
        if (stopped) return;
        if (chunk.reset) (text = ""), (fromStart = true);
        text += chunk.text;
        if (text.length > MAX_TEXT_CHARS) {
          // Keep whole lines: drop the start when following, stop reading otherwise.
          const cutAt = follow ? text.indexOf("\n", text.length - MAX_TEXT_CHARS) + 1 : 0;
          text = follow ? text.slice(cutAt) : text.slice(0, MAX_TEXT_CHARS);
          if (follow) fromStart = false;
        }
        offset = chunk.nextOffset;
        const more = chunk.nextOffset < chunk.size;
        publish(chunk, more);
        if (chunk.binary) return;
        const full = text.length >= MAX_TEXT_CHARS;
        if (more && !full) timer = setTimeout(step, 0);
        else if (follow) {
          if (more && full) (offset = "tail"), (text = ""), (fromStart = false);
          timer = setTimeout(step, intervalMs);
        }
      } catch (error) {
        if (stopped) return;
        setState((s) => ({ ...s, loading: false, error: (error as Error).message }));
        if (follow) timer = setTimeout(step, intervalMs * 3);
      }
    };
    void step();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, path, follow, intervalMs]);
  return state;
}
