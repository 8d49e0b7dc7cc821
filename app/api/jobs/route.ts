import { json, apiHandler } from "@/lib/web/http";
import { requireViewer } from "@/lib/web/auth";
import { handleSubmitRequest } from "@/lib/web/submit-request";

export const dynamic = "force-dynamic";

/** Submit a zipped job (multipart: file, e_mail, info, nb_proc, priority). See docs/api.md. */
export const POST = apiHandler(async (request) => {
  await requireViewer(request);
  const job = await handleSubmitRequest(request);
  return json({ job: { ...job, url: `/jobs/${job.id}` } }, { status: 201 });
});
