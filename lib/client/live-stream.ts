/**
 * One event stream (GET /api/events) per browser, shared by all its QueueManager tabs.
 * A browser keeps at most 6 connections open to one server over HTTP/1.1: a stream per
 * tab would block every request once six tabs are open. So the tabs elect one of them
 * (the leader) over a BroadcastChannel; it holds the stream and passes each event on.
 *
 * - A new tab asks who leads ("hello"); without an answer within CLAIM_AFTER_MS it leads.
 * - The server sends an event at least every 15 s; no word for SILENCE_MS means the stream
 *   (or its leader) is gone: the leader reconnects, a follower takes over.
 * - Two leaders (tabs opened at once): the one with the larger id steps down.
 * - A leader that closes says so ("bye"); a follower takes over at once.
 * `onLive(false)` whenever no stream is known to work: the pages poll meanwhile.
 * Without BroadcastChannel every tab holds its own stream.
 */
import type { LiveChange } from "../core/api-types";

export interface LiveStreamHandlers {
  onChange(change: LiveChange): void;
  onLive(live: boolean): void;
}

type Message =
  | { kind: "hello" }
  | { kind: "claim" | "up" | "down" | "ping" | "bye"; from: string }
  | { kind: "change"; from: string; change: LiveChange };

const CHANNEL = "qm-live";
const SILENCE_MS = 40_000;
const CLAIM_AFTER_MS = 300;
/** After the server refused the stream (logged out...), try again this much later. */
const REFUSED_RETRY_MS = 30_000;

export function connectLiveStream(url: string, handlers: LiveStreamHandlers): () => void {
  const id = `${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const channel = typeof BroadcastChannel === "function" ? new BroadcastChannel(CHANNEL) : null;
  let source: EventSource | null = null;
  let latest: LiveChange | null = null;
  let heardAt = Date.now();
  let live = false;
  let closed = false;
  let claimTimer: ReturnType<typeof setTimeout> | undefined;
  let retryTimer: ReturnType<typeof setTimeout> | undefined;

  const post = (message: Message) => channel?.postMessage(message);
  const setLive = (value: boolean) => {
    if (value !== live) handlers.onLive((live = value));
  };
  const heard = (change?: LiveChange) => {
    heardAt = Date.now();
    if (change) {
      latest = change;
      handlers.onChange(change);
    }
  };

  const lead = () => {
    clearTimeout(claimTimer);
    if (source || closed) return;
    post({ kind: "claim", from: id }); // the other tabs waiting to take over stand back
    const es = new EventSource(url);
    source = es;
    es.onopen = () => {
      heard();
      setLive(true);
      post({ kind: "up", from: id });
    };
    es.addEventListener("change", (event) => {
      const change = JSON.parse((event as MessageEvent<string>).data) as LiveChange;
      heard(change);
      setLive(true);
      post({ kind: "change", from: id, change });
    });
    es.addEventListener("ping", () => {
      heard();
      post({ kind: "ping", from: id });
    });
    es.onerror = () => {
      setLive(false);
      post({ kind: "down", from: id });
      // CONNECTING: the browser retries by itself. CLOSED: it gave up (the server refused).
      if (es.readyState === EventSource.CLOSED) {
        source = null;
        retryTimer = setTimeout(lead, REFUSED_RETRY_MS);
      }
    };
  };

  const stepDown = () => {
    source?.close();
    source = null;
    clearTimeout(retryTimer);
  };

  if (channel) {
    channel.onmessage = ({ data }: MessageEvent<Message>) => {
      if (data.kind === "hello") {
        if (source) post(latest ? { kind: "change", from: id, change: latest } : { kind: live ? "up" : "down", from: id });
        return;
      }
      if (source && data.from < id) stepDown(); // two leaders: the smaller id keeps it
      if (source) return;
      clearTimeout(claimTimer);
      if (data.kind === "bye") {
        setLive(false);
        claimTimer = setTimeout(lead, Math.random() * 100);
        return;
      }
      heard(data.kind === "change" ? data.change : undefined);
      if (data.kind !== "claim") setLive(data.kind !== "down");
    };
  }

  const watchdog = setInterval(() => {
    if (Date.now() - heardAt < SILENCE_MS) return;
    setLive(false);
    if (source) stepDown(); // a stream silent that long is dead, even if the browser thinks not
    heardAt = Date.now();
    lead();
  }, 5_000);

  const bye = () => {
    if (source) post({ kind: "bye", from: id });
    stepDown();
    setLive(false);
  };
  const join = () => {
    if (!channel) return lead();
    post({ kind: "hello" });
    claimTimer = setTimeout(lead, CLAIM_AFTER_MS);
  };
  // A page restored from the back-forward cache joins again.
  const back = (event: PageTransitionEvent) => event.persisted && join();
  addEventListener("pagehide", bye);
  addEventListener("pageshow", back);
  join();

  return () => {
    closed = true;
    clearTimeout(claimTimer);
    clearInterval(watchdog);
    removeEventListener("pagehide", bye);
    bye();
    removeEventListener("pageshow", back);
    channel?.close();
  };
}
