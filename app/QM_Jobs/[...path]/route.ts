import { legacyRedirect } from "@/lib/web/legacy-urls";

export const dynamic = "force-dynamic";

/** The Python QM's /QM_Jobs/... address (its monitor served every file under QM_FOLDER): redirects to the job it names (lib/web/legacy-urls.ts). */
export const GET = legacyRedirect("browse", "QM_Jobs");
