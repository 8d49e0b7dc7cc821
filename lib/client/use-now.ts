"use client";
import { useEffect, useState } from "react";

/** The current time, re-rendered every `intervalMs` (for elapsed times and ETAs). */
export function useNow(intervalMs = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), intervalMs);
    return () => clearInterval(timer);
  }, [intervalMs]);
  return now;
}

/**
 * The server's current time, ticking every second: elapsed times are measured against
 * the server's start and end stamps, so a browser whose clock is off must not skew them.
 * `serverTime` is the serverTime of the latest API answer (none yet: the browser's clock).
 */
export function useServerNow(serverTime: string | undefined): number {
  const now = useNow();
  return serverTime ? now + (Date.parse(serverTime) - Date.now()) : now;
}
