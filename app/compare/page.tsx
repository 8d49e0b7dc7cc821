import type { Metadata } from "next";
import { requirePageViewer } from "@/lib/web/page-gate";
import { CompareView } from "./compare-view";

export const metadata: Metadata = { title: "Compare runs · QueueManager" };
export const dynamic = "force-dynamic";

/** /compare?ids=12,13,20-24 or /compare?array=5: runs side by side; the URL is the one to share. */
export default async function ComparePage({ searchParams }: { searchParams: Promise<{ ids?: string; array?: string }> }) {
  const { ids, array } = await searchParams;
  await requirePageViewer(`/compare${ids ? `?ids=${encodeURIComponent(ids)}` : array ? `?array=${encodeURIComponent(array)}` : ""}`);
  return <CompareView ids={ids} array={array} />;
}
