import { notFound } from "next/navigation";
import { requirePageViewer } from "@/lib/web/page-gate";
import { ArrayPage } from "./array-page";

export const dynamic = "force-dynamic";

export default async function ArrayRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  await requirePageViewer(`/arrays/${id}`);
  return <ArrayPage id={Number(id)} />;
}
