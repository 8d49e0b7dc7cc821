import { notFound, redirect } from "next/navigation";
import { getSession, isLoginRequired } from "@/lib/web/auth";
import { JobPage } from "./job-page";

export const dynamic = "force-dynamic";

export default async function JobRoute({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  if (!/^\d+$/.test(id)) notFound();
  if (isLoginRequired() && !(await getSession())) redirect(`/login?next=/jobs/${id}`);
  return <JobPage id={Number(id)} />;
}
