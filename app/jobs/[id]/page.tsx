import { notFound } from "next/navigation";
import { JobPage } from "./job-page";

export default async function JobRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  return <JobPage id={Number(id)} />;
}
