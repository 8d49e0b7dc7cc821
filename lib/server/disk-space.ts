/**
 * Free space on QM_FOLDER's disk, and the one rule both programs apply to it: below
 * `Min_Free_MB`, uploads are refused (HTTP 507) and no new job starts; running jobs go on,
 * and everything resumes by itself once space returns.
 */
import fs from "node:fs";
import type { DiskStatus } from "../core/api-types";
import { AppError } from "../core/app-error";
import { formatBytes } from "../core/format";

const MB = 1024 * 1024;

export interface DiskSpace {
  /** Bytes an unprivileged process may still write (statfs bavail: root's reserve left out). */
  freeBytes: number;
  sizeBytes: number;
  /** Min_Free_MB in bytes (0: no check). */
  minFreeBytes: number;
  /** Below Min_Free_MB: uploads and new starts wait. */
  low: boolean;
}

/** QM_FOLDER's filesystem as statfs sees it now. */
export function readDiskSpace(folder: string, minFreeMb: number): DiskSpace {
  const st = fs.statfsSync(folder);
  const freeBytes = st.bavail * st.bsize;
  const minFreeBytes = minFreeMb * MB;
  return { freeBytes, sizeBytes: st.blocks * st.bsize, minFreeBytes, low: minFreeBytes > 0 && freeBytes < minFreeBytes };
}

/** What the dashboard's banner shows; null when the disk cannot be read (QM_FOLDER missing). */
export function diskStatus(folder: string, minFreeMb: number): DiskStatus | null {
  try {
    const space = readDiskSpace(folder, minFreeMb);
    return { ...space, message: space.low ? diskLowMessage(space) : null };
  } catch {
    return null;
  }
}

/** Why uploads and starts wait, in the words the banner, the log and the 507 use. */
export function diskLowMessage(space: DiskSpace): string {
  return `QM_FOLDER's disk has ${formatBytes(space.freeBytes)} free, less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB): new uploads are refused and queued jobs wait; running jobs go on. Everything resumes by itself once space is freed.`;
}

/** The disk is (or an upload would make it) too full: HTTP 507 with what to do. */
export function diskFull(detail = "The server's disk is full, so the job cannot be stored"): AppError {
  return new AppError("DISK_FULL", `${detail}; ask the administrator to free some space, then try again.`);
}

/**
 * Refuse an upload before reading it when QM_FOLDER's disk is below Min_Free_MB, or would be
 * once `incomingBytes` (the declared body size, unpacked at least as large) are written.
 */
export function assertRoomForUpload(folder: string, minFreeMb: number, incomingBytes = 0): void {
  if (minFreeMb <= 0) return;
  const space = readDiskSpace(folder, minFreeMb);
  if (space.low) throw diskFull(`QM_FOLDER's disk has only ${formatBytes(space.freeBytes)} free, less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB), so no upload is accepted now`);
  if (incomingBytes > 0 && space.freeBytes - 2 * incomingBytes < space.minFreeBytes) {
    throw diskFull(`This upload (${formatBytes(incomingBytes)}, and as much again unpacked) would leave QM_FOLDER's disk with less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB; ${formatBytes(space.freeBytes)} free now)`);
  }
}
