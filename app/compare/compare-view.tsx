"use client";
import { useRouter } from "next/navigation";
import { useCompareQuery } from "@/lib/client/use-compare-query";
import type { ComparedRun } from "@/lib/core/api-types";
import { parseJobIds } from "@/lib/core/compare-runs";
import { BackToDashboard, QueryError } from "../ui-bits";
import { CompareDiff } from "./compare-diff";
import { CompareFigures } from "./compare-figures";
import { CompareImages } from "./compare-images";
import { CompareKeys } from "./compare-keys";
import { JobPicker } from "./job-picker";

function idsOf(text: string | undefined): number[] {
  try {
    return parseJobIds(text ?? "");
  } catch {
    return [];
  }
}

/** "jobs 31, 32 and 33" (at most 20 named, then how many more). */
function formatIdList(ids: number[]): string {
  const named = ids.slice(0, 20).map(String);
  const more = ids.length - named.length;
  if (more > 0) return `jobs ${named.join(", ")} and ${more} more`;
  return ids.length === 1 ? `job ${named[0]}` : `jobs ${named.slice(0, -1).join(", ")} and ${named.at(-1)}`;
}

export type ShownRun = ComparedRun & { job: NonNullable<ComparedRun["job"]> };

/**
 * Runs side by side: final figures, info keys (the differing ones marked), same-named
 * pictures, and a diff of same-named text files. The runs are the URL's (?ids= or
 * ?array=); adding or removing one rewrites the URL, which is the one to share.
 */
export function CompareView({ ids, array }: { ids?: string; array?: string }) {
  const router = useRouter();
  const { data, error, isFetching } = useCompareQuery({ ids, array });
  // The URL's ids (an array's: those of the answer), so that an id added before the answer came is not lost.
  const current = array ? (data?.runs.map((r) => r.id) ?? []) : idsOf(ids);
  const setIds = (next: number[]) => router.replace(next.length ? `/compare?ids=${next.join(",")}` : "/compare");
  const shown = (data?.runs.filter((r) => r.job !== null) ?? []) as ShownRun[];
  return (
    <div className="space-y-5">
      <div>
        <BackToDashboard />
        <h1 className="mt-1 text-2xl font-semibold">Compare runs</h1>
        <p className="text-sm text-slate-600">Pick two or more finished jobs (the elements of an array, or the same job before and after a change). This page&apos;s address shows the same comparison to anyone who may see these jobs.</p>
      </div>
      <JobPicker current={current} onChange={setIds} />
      {error && <QueryError error={error} next={`/compare?${ids ? `ids=${ids}` : `array=${array}`}`} />}
      {data?.runs
        .filter((r) => r.job === null)
        .map((r) => (
          <p key={r.id} role="alert" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
            Job {r.id}: {r.error}
          </p>
        ))}
      {data?.leftOut && (
        <p role="note" data-testid="compare-left-out" className="rounded bg-amber-50 p-3 text-sm text-amber-900">
          Array {array} has {data.runs.length + data.leftOut.length} finished elements; the first {data.runs.length} by index are compared here. Left out:{" "}
          {formatIdList(data.leftOut)}. Remove some runs above and add these by id to see them.
        </p>
      )}
      {!ids && !array && <p className="text-sm text-slate-500">No job chosen yet: add job ids above.</p>}
      {shown.length === 1 && <p className="text-sm text-slate-500">Add another job to compare it with.</p>}
      {shown.length >= 1 && (
        <div className={`space-y-5 ${isFetching ? "opacity-80" : ""}`}>
          <CompareFigures runs={shown} serverTime={data!.serverTime} />
          <CompareKeys runs={shown} />
          {shown.length >= 2 && <CompareImages runs={shown} />}
          {shown.length >= 2 && <CompareDiff runs={shown} />}
        </div>
      )}
    </div>
  );
}
