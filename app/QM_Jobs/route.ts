import { legacyQueueListing } from "@/lib/web/legacy-urls";

/** The Python QM's address of the QM_Jobs folder itself: the dashboard lists its jobs. */
export const GET = legacyQueueListing;
