import { QueryClient, QueryObserver } from "@tanstack/react-query";
import { afterEach, describe, expect, it, vi } from "vitest";
import type { LiveChange, LiveStatus } from "../core/api-types";
import { applyChanges } from "./live-updates";
import { followsJobRows, queryKeys } from "./query-keys";

/** A change event as the stream sends it (only what applyChanges reads of the status matters). */
const change = (jobsVersion: string): LiveChange => ({ jobsVersion, status: { refreshRate: 1 } as LiveStatus });

/**
 * A list whose answers the test lets through one at a time: each answer is the rows the
 * "server" held when the request was sent, as a real request's would be.
 */
function slowList(rows: string[]) {
  const gates: Array<() => void> = [];
  let sent = 0;
  const queryFn = async () => {
    sent += 1;
    const answer = [...rows];
    await new Promise<void>((resolve) => gates.push(resolve));
    return answer;
  };
  const answerAll = async () => {
    while (gates.length) gates.shift()!();
    await new Promise((resolve) => setTimeout(resolve, 0));
  };
  return { queryFn, answerAll, sent: () => sent };
}

describe("applyChanges: the job lists follow the stream's changes", () => {
  const stops: Array<() => void> = [];
  afterEach(() => {
    while (stops.length) stops.pop()!();
  });

  function page(rows: string[]) {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const list = slowList(rows);
    const observer = new QueryObserver(client, { queryKey: queryKeys.jobs.list({ view: "finished" }), queryFn: list.queryFn });
    stops.push(observer.subscribe(() => {}));
    const changes = applyChanges(client);
    stops.push(changes.stop, () => client.clear());
    return { observer, changes, list };
  }

  async function settled(observer: { getCurrentResult(): { fetchStatus: string; data?: string[] } }, list: ReturnType<typeof slowList>): Promise<string[] | undefined> {
    for (let i = 0; i < 20 && observer.getCurrentResult().fetchStatus !== "idle"; i++) await list.answerAll();
    return observer.getCurrentResult().data;
  }

  it("a change that comes while a list's first fetch is under way is fetched again once it ends", async () => {
    const rows = ["job 1"];
    const { observer, changes, list } = page(rows);
    expect(list.sent()).toBe(1); // the first fetch, sent before the job came
    rows.push("job 2");
    changes.onChange(change("7")); // the stream's first event already knows of job 2
    expect(await settled(observer, list)).toEqual(["job 1", "job 2"]);
    expect(list.sent()).toBe(2);
  });

  it("a change while a list with data is being fetched again cancels that fetch and sends it anew", async () => {
    const rows = ["job 1"];
    const { observer, changes, list } = page(rows);
    await settled(observer, list);
    void observer.refetch();
    rows.push("job 2");
    changes.onChange(change("8"));
    expect(await settled(observer, list)).toEqual(["job 1", "job 2"]);
    expect(list.sent()).toBe(3);
  });

  it("an event whose version was seen already leaves the lists alone", async () => {
    const { observer, changes, list } = page(["job 1"]);
    changes.onChange(change("3"));
    await settled(observer, list);
    const before = list.sent();
    changes.onChange(change("3"));
    await settled(observer, list);
    expect(list.sent()).toBe(before);
  });
});

describe("applyChanges: what a job's change refetches", () => {
  it("lists, job pages and folders follow the jobs; finished jobs' results and whole files do not", () => {
    expect(followsJobRows(queryKeys.jobs.list({ view: "finished" }))).toBe(true);
    expect(followsJobRows(queryKeys.jobs.detail(4))).toBe(true);
    expect(followsJobRows([...queryKeys.jobs.files(4, ""), "QM_Jobs/fit"])).toBe(true);
    expect(followsJobRows(queryKeys.arrays.all())).toBe(true);
    expect(followsJobRows(queryKeys.arrays.detail(2))).toBe(true);
    expect(followsJobRows(queryKeys.jobs.results(4, "2026-12-01T10:00:00.000Z"))).toBe(false);
    expect(followsJobRows(queryKeys.jobs.wholeFile(4, "out.txt"))).toBe(false);
    expect(followsJobRows(queryKeys.status())).toBe(false);
  });

  it("a dashboard's finished rows are not asked for their results again when a running job prints progress", async () => {
    const client = new QueryClient({ defaultOptions: { queries: { retry: false } } });
    const asked: string[] = [];
    const observe = (queryKey: readonly unknown[], what: string, staleTime = 0) => {
      const observer = new QueryObserver(client, { queryKey, queryFn: async () => (asked.push(what), what), staleTime });
      return observer.subscribe(() => {});
    };
    const unsubscribe = [
      observe(queryKeys.jobs.list({ view: "finished" }), "list"),
      ...[1, 2, 3].map((id) => observe(queryKeys.jobs.results(id, `2026-12-01T10:0${id}:00.000Z`), `results ${id}`, Infinity)),
    ];
    const changes = applyChanges(client);
    const settle = () => new Promise((resolve) => setTimeout(resolve, 20));
    try {
      await settle();
      asked.length = 0;
      vi.useFakeTimers({ toFake: ["Date"] });
      for (let version = 1; version <= 3; version++) {
        changes.onChange(change(String(version)));
        vi.setSystemTime(Date.now() + 1_500); // past the refetch gap: each change refetches
        await settle();
      }
      expect(asked).toEqual(["list", "list", "list"]);
    } finally {
      vi.useRealTimers();
      changes.stop();
      for (const stop of unsubscribe) stop();
      client.clear();
    }
  });
});
