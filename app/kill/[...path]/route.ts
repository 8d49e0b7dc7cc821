import { QUEUE_DIRS } from "@/lib/server/qm-folders";
import { legacyRedirect } from "@/lib/web/legacy-urls";

export const dynamic = "force-dynamic";

/**
 * The Python QM's /kill/<folder> (its kill page, with `?conf=True` to confirm): the job's
 * page, where its owner or the administrator kills it after the same confirmation. Never an
 * action on a GET (lib/web/legacy-urls.ts).
 */
export const GET = legacyRedirect("browse", QUEUE_DIRS.running);
