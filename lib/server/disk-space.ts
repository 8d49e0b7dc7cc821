/**
 * Free space on QM_FOLDER's disk, and the one rule both programs apply to it: below
 * `Min_Free_MB` free bytes, or below `Min_Free_Inodes` free inodes (files), uploads are
 * refused (HTTP 507) and no new job starts; running jobs go on, and everything resumes by
 * itself once space returns. Inodes count too: a disk can run out of files with its bytes
 * plentiful (200,000 empty files), and then nothing can be written either.
 */
import fs from "node:fs";
import type { DiskStatus } from "../core/api-types";
import { AppError } from "../core/app-error";
import { formatBytes } from "../core/format";

const MB = 1024 * 1024;

/** The two keys of the rule: Min_Free_MB and Min_Free_Inodes (0: that check off). */
export interface DiskRule {
  minFreeMb: number;
  minFreeInodes: number;
}

/** What the rule reads of statfs (fs.StatsFs's fields of the same names). */
export interface DiskFigures {
  bavail: number;
  bsize: number;
  blocks: number;
  /** Inodes in all; 0 where the filesystem has no fixed number (btrfs): never low by inodes. */
  files: number;
  ffree: number;
}

export interface DiskSpace {
  /** Bytes an unprivileged process may still write (statfs bavail: root's reserve left out). */
  freeBytes: number;
  sizeBytes: number;
  /** Min_Free_MB in bytes (0: no check). */
  minFreeBytes: number;
  /** Free inodes (files that may still be created); null: the filesystem sets no limit. */
  freeInodes: number | null;
  /** Min_Free_Inodes (0: no check). */
  minFreeInodes: number;
  /** Below Min_Free_MB. */
  lowBytes: boolean;
  /** Below Min_Free_Inodes. */
  lowInodes: boolean;
  /** Either: uploads and new starts wait. */
  low: boolean;
}

/** The rule itself, on figures already read. */
export function judgeDiskSpace(st: DiskFigures, rule: DiskRule): DiskSpace {
  const freeBytes = st.bavail * st.bsize;
  const minFreeBytes = rule.minFreeMb * MB;
  const freeInodes = st.files > 0 ? st.ffree : null;
  const minFreeInodes = rule.minFreeInodes;
  const lowBytes = minFreeBytes > 0 && freeBytes < minFreeBytes;
  const lowInodes = minFreeInodes > 0 && freeInodes !== null && freeInodes < minFreeInodes;
  return { freeBytes, sizeBytes: st.blocks * st.bsize, minFreeBytes, freeInodes, minFreeInodes, lowBytes, lowInodes, low: lowBytes || lowInodes };
}

/** QM_FOLDER's filesystem as statfs sees it now. */
export function readDiskSpace(folder: string, rule: DiskRule): DiskSpace {
  return judgeDiskSpace(fs.statfsSync(folder), rule);
}

/** What the dashboard's banner shows; null when the disk cannot be read (QM_FOLDER missing). */
export function diskStatus(folder: string, rule: DiskRule): DiskStatus | null {
  try {
    const space = readDiskSpace(folder, rule);
    return { ...space, message: space.low ? diskLowMessage(space) : null };
  } catch {
    return null;
  }
}

const count = (n: number) => n.toLocaleString("en-US");

/** The inode half of the rule, in words: "812 free inodes (files) left, fewer than the 10,000 it must keep (Min_Free_Inodes)". */
export function inodesShort(space: Pick<DiskSpace, "freeInodes" | "minFreeInodes">): string {
  return `${count(space.freeInodes ?? 0)} free inodes (files) left, fewer than the ${count(space.minFreeInodes)} it must keep (Min_Free_Inodes)`;
}

/** Why uploads and starts wait, in the words the banner, the log and the 507 use. */
export function diskLowMessage(space: DiskSpace): string {
  const consequence = "new uploads are refused and queued jobs wait; running jobs go on.";
  if (!space.lowBytes) return `QM_FOLDER's disk has ${inodesShort(space)}: ${consequence} Everything resumes by itself once files are removed.`;
  const bytes = `QM_FOLDER's disk has ${formatBytes(space.freeBytes)} free, less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB): ${consequence} Everything resumes by itself once space is freed.`;
  return space.lowInodes ? `${bytes} It also has only ${inodesShort(space)}.` : bytes;
}

/** The disk is (or an upload would make it) too full: HTTP 507 with what to do. */
export function diskFull(detail = "The server's disk is full, so the job cannot be stored"): AppError {
  return new AppError("DISK_FULL", `${detail}; ask the administrator to free some space, then try again.`);
}

/**
 * Refuse an upload before reading it when QM_FOLDER's disk is below Min_Free_MB or
 * Min_Free_Inodes, or would be below Min_Free_MB once `incomingBytes` (the declared body
 * size, unpacked at least as large) are written.
 */
export function assertRoomForUpload(folder: string, rule: DiskRule, incomingBytes = 0): void {
  if (rule.minFreeMb <= 0 && rule.minFreeInodes <= 0) return;
  const space = readDiskSpace(folder, rule);
  if (space.lowBytes) throw diskFull(`QM_FOLDER's disk has only ${formatBytes(space.freeBytes)} free, less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB), so no upload is accepted now`);
  if (space.lowInodes) throw diskFull(`QM_FOLDER's disk has only ${inodesShort(space)}, so no upload is accepted now (remove files, or old jobs' folders)`);
  if (space.minFreeBytes > 0 && incomingBytes > 0 && space.freeBytes - 2 * incomingBytes < space.minFreeBytes) {
    throw diskFull(`This upload (${formatBytes(incomingBytes)}, and as much again unpacked) would leave QM_FOLDER's disk with less than the ${formatBytes(space.minFreeBytes)} it must keep (Min_Free_MB; ${formatBytes(space.freeBytes)} free now)`);
  }
}

/**
 * Refuse to write `entries` new files and folders (each an inode: a zip's entries, an
 * array's copies of its folder) when they would leave QM_FOLDER's disk with fewer free
 * inodes than Min_Free_Inodes. `what` says what they are, as the sentence's subject:
 * "This zip holds 63 files and folders".
 */
export function assertRoomForEntries(folder: string, rule: DiskRule, entries: number, what = `This zip holds ${count(entries)} files and folders`): void {
  if (rule.minFreeInodes <= 0 || entries <= 0) return;
  const space = readDiskSpace(folder, rule);
  if (space.freeInodes === null || space.freeInodes - entries >= space.minFreeInodes) return;
  throw diskFull(`${what}, which would leave QM_FOLDER's disk with fewer than the ${count(space.minFreeInodes)} free inodes (files) it must keep (Min_Free_Inodes; ${count(space.freeInodes)} free now)`);
}
