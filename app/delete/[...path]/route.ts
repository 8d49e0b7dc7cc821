import { legacyRedirect } from "@/lib/web/legacy-urls";

export const dynamic = "force-dynamic";

/**
 * The Python QM's /delete/<queue>/<folder> (its delete page, with `?conf=True` to confirm):
 * the job's page, where its owner or the administrator deletes it after the same
 * confirmation. Never an action on a GET (lib/web/legacy-urls.ts).
 */
export const GET = legacyRedirect("view");
