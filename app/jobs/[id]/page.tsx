import { notFound } from "next/navigation";
import { requirePageViewer } from "@/lib/web/page-gate";
import { JobPage } from "./job-page";

export const dynamic = "force-dynamic";

export default async function JobRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  await requirePageViewer(`/jobs/${id}`);
  return <JobPage id={Number(id)} />;
}
