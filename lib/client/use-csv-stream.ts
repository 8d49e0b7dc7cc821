"use client";
import { useEffect, useState } from "react";
import { createCsvParser, guessDelimiter, splitHeader } from "../core/csv-table";
import { toApiError } from "./api-fetch";
import { rawUrl } from "./file-urls";

/** Rows read at most: enough to look at and plot, read in well under a second. */
export const MAX_TABLE_ROWS = 2000;

export interface CsvStream {
  columns: string[];
  rows: string[][];
  /** The file has more rows than those read (reading stopped there). */
  truncated: boolean;
  done: boolean;
  error: string | null;
}

/**
 * The first MAX_TABLE_ROWS rows of a CSV or TSV file of the job, parsed while they
 * arrive from the file route; the download is cancelled once they are there, so a 50 MB
 * table costs what its first rows cost. Rows are shown as soon as the first piece came.
 */
export function useCsvStream(id: number, path: string): CsvStream {
  const [state, setState] = useState<CsvStream>({ columns: [], rows: [], truncated: false, done: false, error: null });
  useEffect(() => {
    const abort = new AbortController();
    (async () => {
      const res = await fetch(rawUrl(id, path), { signal: abort.signal, cache: "no-store" });
      if (!res.ok || !res.body) throw await toApiError(res);
      const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
      let parser: ReturnType<typeof createCsvParser> | null = null;
      const all: string[][] = [];
      let truncated = false;
      let shown = 0;
      const publish = (done: boolean) => {
        const { columns, data } = splitHeader(all, parser?.commentedHeader() ?? null);
        setState({ columns, rows: data.slice(0, MAX_TABLE_ROWS), truncated, done, error: null });
        shown = all.length;
      };
      for (;;) {
        const { done, value } = await reader.read();
        if (done) {
          if (parser) all.push(...parser.end());
          break;
        }
        parser ??= createCsvParser(guessDelimiter(path, value));
        all.push(...parser.push(value));
        if (all.length > MAX_TABLE_ROWS + 1) {
          truncated = true;
          await reader.cancel();
          break;
        }
        if (shown === 0 && all.length > 1) publish(false);
      }
      publish(true);
    })().catch((error: unknown) => {
      if (!abort.signal.aborted) setState((s) => ({ ...s, done: true, error: (error as Error).message }));
    });
    return () => abort.abort();
  }, [id, path]);
  return state;
}
