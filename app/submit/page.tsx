import type { Metadata } from "next";
import { getConfig } from "@/lib/web/context";
import { SubmitJobForm } from "./submit-job-form";

export const metadata: Metadata = { title: "Submit a job · QueueManager" };
export const dynamic = "force-dynamic";

export default function SubmitPage() {
  const { config } = getConfig();
  return <SubmitJobForm maxUploadMb={config.web.maxUploadMb} jobFile={config.jobFile} />;
}
