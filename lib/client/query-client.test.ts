/** The app's query client asks again once after a network failure or a 5xx, never after a 4xx. */
import { QueryObserver } from "@tanstack/react-query";
import { describe, expect, it } from "vitest";
import { ApiError } from "./api-fetch";
import { makeQueryClient } from "./query-client";

/** How many times a query failing with `error` is sent before the page is told, and how long that takes. */
async function triesOf(error: Error): Promise<{ tries: number; ms: number }> {
  const client = makeQueryClient();
  let tries = 0;
  const started = Date.now();
  const observer = new QueryObserver(client, {
    queryKey: ["job", 99999],
    queryFn: async () => {
      tries += 1;
      throw error;
    },
  });
  await new Promise<void>((resolve) => {
    const stop = observer.subscribe((result) => {
      if (result.status === "error") {
        stop();
        resolve();
      }
    });
  });
  client.clear();
  return { tries, ms: Date.now() - started };
}

describe("the query client's retries", () => {
  it("a 404 (no such job) or any 4xx is said at once, without asking again", async () => {
    // /jobs/99999 showed "Loading job 99999..." for seconds: the 404 was asked again first.
    for (const status of [400, 401, 403, 404, 429]) {
      const { tries, ms } = await triesOf(new ApiError(status, "NOT_FOUND", "There is no job 99999; it may have been deleted."));
      expect(tries, String(status)).toBe(1);
      expect(ms).toBeLessThan(500);
    }
  });

  it("a 5xx or a network failure is asked again once", async () => {
    expect((await triesOf(new ApiError(503, "UNAVAILABLE", "QM_qJobs is a file"))).tries).toBe(2);
    expect((await triesOf(new TypeError("Failed to fetch"))).tries).toBe(2);
  });
});
