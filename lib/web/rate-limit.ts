/**
 * In-memory login rate limiting: at most `limit` failures per `windowMs` per key.
 * One web process serves QueueManager, so memory is enough; a restart forgets.
 */
import { AppError } from "../core/app-error";

interface Bucket {
  failures: number[];
}

export interface RateLimiter {
  /** Throws RATE_LIMITED when `key` has used up its failures. */
  check(key: string, now?: number): void;
  fail(key: string, now?: number): void;
  reset(key: string): void;
}

export function createRateLimiter(limit: number, windowMs: number, what: string): RateLimiter {
  const buckets = new Map<string, Bucket>();
  const recent = (key: string, now: number): number[] => {
    const bucket = buckets.get(key);
    if (!bucket) return [];
    bucket.failures = bucket.failures.filter((t) => now - t < windowMs);
    if (!bucket.failures.length) buckets.delete(key);
    return bucket.failures;
  };
  return {
    check(key, now = Date.now()) {
      const failures = recent(key, now);
      if (failures.length >= limit) {
        const retry = Math.ceil((failures[0] + windowMs - now) / 1000);
        const minutes = Math.max(1, Math.ceil(retry / 60));
        throw new AppError("RATE_LIMITED", `Too many failed ${what}; wait ${minutes} minute${minutes > 1 ? "s" : ""} and try again.`, {
          retryAfterSeconds: String(retry),
        });
      }
    },
    fail(key, now = Date.now()) {
      recent(key, now);
      const bucket = buckets.get(key) ?? { failures: [] };
      bucket.failures.push(now);
      buckets.set(key, bucket);
      if (buckets.size > 10_000) buckets.delete(buckets.keys().next().value!);
    },
    reset(key) {
      buckets.delete(key);
    },
  };
}
