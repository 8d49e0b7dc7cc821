"use client";
import { useEffect, useRef, useState } from "react";
import type { ProgressAnswer } from "../core/api-types";
import type { ProgressPoint } from "../core/progress-curve";
import { apiFetch } from "./api-fetch";

/**
 * The progress samples of a job's run (GET /api/jobs/:id/progress), followed while it
 * runs: each poll asks only for the samples newer than the last one held.
 */
export function useProgressCurve(id: number, startedAt: string | null, running: boolean, refreshMs: number): ProgressPoint[] {
  const [points, setPoints] = useState<ProgressPoint[]>([]);
  const last = useRef<string | undefined>(undefined);
  useEffect(() => {
    // A new run (requeued): start over.
    setPoints([]);
    last.current = undefined;
  }, [id, startedAt]);
  useEffect(() => {
    if (!startedAt) return;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const poll = async () => {
      try {
        const since = last.current ? `?since=${encodeURIComponent(last.current)}` : "";
        const answer = await apiFetch<ProgressAnswer>(`/api/jobs/${id}/progress${since}`);
        if (stopped || answer.startedAt !== startedAt) return;
        if (answer.samples.length) {
          last.current = answer.samples[answer.samples.length - 1].at;
          setPoints((old) => [...old, ...answer.samples.map((s) => ({ atMs: Date.parse(s.at), percent: s.percent }))]);
        }
      } catch {
        // The chart waits for the next poll; the page shows the server's errors elsewhere.
      }
      if (!stopped && running) timer = setTimeout(poll, refreshMs);
    };
    void poll();
    return () => {
      stopped = true;
      clearTimeout(timer);
    };
  }, [id, startedAt, running, refreshMs]);
  return points;
}
