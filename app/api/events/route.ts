import { requireViewer } from "@/lib/web/access";
import { apiHandler } from "@/lib/web/http";
import { getLiveFeed } from "@/lib/web/live-updates";

export const dynamic = "force-dynamic";

/** Who may watch is asked again this often: a logout or a disabled account ends the stream. */
const RECHECK_MS = 60_000;
/** Frames a page may leave unread before it is let go (it reconnects when it reads again). */
const MAX_UNREAD = 100;

/**
 * Server-Sent Events: a `change` event whenever a job changed or the status did (docs/api.md).
 * One stream per browser is enough (lib/client/live-stream.ts shares it between tabs); pages
 * poll at Refresh_Rate while they have none.
 */
export const GET = apiHandler(async (request) => {
  await requireViewer(request);
  const encoder = new TextEncoder();
  let stop = () => {};
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      let recheck: NodeJS.Timeout | undefined;
      let unsubscribe = () => {};
      stop = () => {
        stop = () => {};
        unsubscribe();
        clearInterval(recheck);
        try {
          controller.close();
        } catch {
          // already closed by the reader going away
        }
      };
      const send = (frame: string) => {
        if ((controller.desiredSize ?? 0) < -MAX_UNREAD) return stop();
        controller.enqueue(encoder.encode(frame));
      };
      // A dropped stream is retried by the browser after 3 s (pages poll meanwhile).
      send("retry: 3000\n\n");
      unsubscribe = getLiveFeed().subscribe(send);
      recheck = setInterval(() => void requireViewer(request).catch(() => stop()), RECHECK_MS);
      request.signal.addEventListener("abort", () => stop());
    },
    cancel() {
      stop();
    },
  });
  return new Response(body, {
    headers: {
      "Content-Type": "text/event-stream; charset=utf-8",
      // no-transform: neither Next's compression nor a proxy may buffer the stream.
      "Cache-Control": "no-cache, no-store, no-transform",
      "X-Accel-Buffering": "no",
    },
  });
});
