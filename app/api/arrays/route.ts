import type { ArraysAnswer } from "@/lib/core/api-types";
import { findArrays } from "@/lib/server/jobs/find-arrays";
import { requireViewer } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, searchParamsOf } from "@/lib/web/http";
import { canSeeDetails } from "@/lib/web/job-access";
import { z } from "zod";

export const dynamic = "force-dynamic";

const query = z.object({ limit: z.coerce.number().int().min(1).max(200).default(20) });

/** The most recent arrays, each with its elements counted per state and a combined progress. */
export const GET = apiHandler(async (request) => {
  const viewer = await requireViewer(request);
  const { limit } = query.parse(searchParamsOf(request));
  return json({ arrays: await findArrays(getDb(), limit, canSeeDetails(viewer)) } satisfies ArraysAnswer);
});
