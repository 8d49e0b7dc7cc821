import { MAX_ZIP_RATIO } from "../../core/zip-ratio";

/** Bounds on what an uploaded zip may expand to (zip bombs, entry floods). */
export interface ZipLimits {
  /** Most entries (files and folders) accepted. */
  maxEntries: number;
  /** Most bytes written in total, counted while extracting (declared sizes can lie). */
  maxTotalBytes: number;
  /** Largest expansion factor accepted for an entry and for the whole zip... */
  maxRatio: number;
  /** ...once it has produced more than this many bytes (small files may compress well). */
  ratioFloorBytes: number;
}

const MB = 1024 * 1024;

/** The limits used for uploads: 10,000 entries, 10 × Max_Upload_MB expanded, ratio 200. */
export function zipLimitsFor(maxUploadMb: number): ZipLimits {
  return { maxEntries: 10_000, maxTotalBytes: 10 * maxUploadMb * MB, maxRatio: MAX_ZIP_RATIO, ratioFloorBytes: 10 * MB };
}
