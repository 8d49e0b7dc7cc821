import type { Metadata } from "next";
import { redirect } from "next/navigation";
import { getSession, isLoginRequired } from "@/lib/web/auth";
import { getConfig } from "@/lib/web/context";
import { SubmitJobForm } from "./submit-job-form";

export const metadata: Metadata = { title: "Submit a job · QueueManager" };
export const dynamic = "force-dynamic";

export default async function SubmitPage() {
  const { config } = getConfig();
  if (isLoginRequired(config) && !(await getSession())) redirect("/login?next=/submit");
  return <SubmitJobForm maxUploadMb={config.web.maxUploadMb} jobFile={config.jobFile} />;
}
