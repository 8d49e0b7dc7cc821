import type { Metadata } from "next";
import { diskStatus } from "@/lib/server/disk-space";
import { getConfig, getLayout } from "@/lib/web/context";
import { requirePageSubmitter } from "@/lib/web/page-gate";
import { DiskBanner } from "../disk-banner";
import { SubmitJobForm } from "./submit-job-form";

export const metadata: Metadata = { title: "Submit a job · QueueManager" };
export const dynamic = "force-dynamic";

export default async function SubmitPage() {
  await requirePageSubmitter("/submit");
  const { config } = getConfig();
  return (
    <>
      <div className="mx-auto mb-5 max-w-2xl empty:hidden">
        <DiskBanner disk={diskStatus(getLayout().root, config)} />
      </div>
      <SubmitJobForm maxUploadMb={config.web.maxUploadMb} jobFile={config.jobFile} />
    </>
  );
}
