import type { Metadata } from "next";
import { getConfig } from "@/lib/web/context";
import { requirePageSubmitter } from "@/lib/web/page-gate";
import { SubmitJobForm } from "./submit-job-form";

export const metadata: Metadata = { title: "Submit a job · QueueManager" };
export const dynamic = "force-dynamic";

export default async function SubmitPage() {
  await requirePageSubmitter("/submit");
  const { config } = getConfig();
  return <SubmitJobForm maxUploadMb={config.web.maxUploadMb} jobFile={config.jobFile} />;
}
