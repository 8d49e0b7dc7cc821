import fs from "node:fs";
import os from "node:os";
import { describe, expect, it } from "vitest";
import { assertRoomForEntries, assertRoomForUpload, diskLowMessage, judgeDiskSpace } from "./disk-space";

const MB = 1024 * 1024;
const rule = { minFreeMb: 100, minFreeInodes: 10_000 };
/** A disk of 1 GB in 4 KB blocks with `freeMb` free and `ffree` of `files` inodes free. */
const figures = (freeMb: number, ffree: number, files = 1_000_000) => ({ bsize: 4096, blocks: (1024 * MB) / 4096, bavail: (freeMb * MB) / 4096, files, ffree });

describe("the free-space rule", () => {
  it("is not low with bytes and inodes both above their minimum", () => {
    const space = judgeDiskSpace(figures(500, 50_000), rule);
    expect(space).toMatchObject({ freeBytes: 500 * MB, minFreeBytes: 100 * MB, freeInodes: 50_000, minFreeInodes: 10_000, lowBytes: false, lowInodes: false, low: false });
  });

  it("is low by bytes below Min_Free_MB, with the byte message as before", () => {
    const space = judgeDiskSpace(figures(50, 50_000), rule);
    expect(space).toMatchObject({ lowBytes: true, lowInodes: false, low: true });
    expect(diskLowMessage(space)).toBe(
      "QM_FOLDER's disk has 50 MB free, less than the 100 MB it must keep (Min_Free_MB): new uploads are refused and queued jobs wait; running jobs go on. Everything resumes by itself once space is freed.",
    );
  });

  it("is low by inodes below Min_Free_Inodes, bytes plentiful, and says so", () => {
    const space = judgeDiskSpace(figures(500, 812), rule);
    expect(space).toMatchObject({ lowBytes: false, lowInodes: true, low: true });
    expect(diskLowMessage(space)).toBe(
      "QM_FOLDER's disk has 812 free inodes (files) left, fewer than the 10,000 it must keep (Min_Free_Inodes): new uploads are refused and queued jobs wait; running jobs go on. Everything resumes by itself once files are removed.",
    );
  });

  it("names both when both are short", () => {
    const message = diskLowMessage(judgeDiskSpace(figures(50, 812), rule));
    expect(message).toMatch(/^QM_FOLDER's disk has 50 MB free, less than the 100 MB it must keep \(Min_Free_MB\)/);
    expect(message).toMatch(/It also has only 812 free inodes \(files\) left, fewer than the 10,000 it must keep \(Min_Free_Inodes\)\.$/);
  });

  it("is never low by inodes on a filesystem without an inode limit (files = 0, btrfs)", () => {
    const space = judgeDiskSpace(figures(500, 0, 0), rule);
    expect(space).toMatchObject({ freeInodes: null, lowInodes: false, low: false });
  });

  it("checks nothing at 0", () => {
    expect(judgeDiskSpace(figures(0, 0), { minFreeMb: 0, minFreeInodes: 0 }).low).toBe(false);
    expect(judgeDiskSpace(figures(500, 5), { minFreeMb: 100, minFreeInodes: 0 }).low).toBe(false);
  });
});

describe("uploads against the rule (this machine's temporary folder)", () => {
  const tmp = os.tmpdir();
  const st = fs.statfsSync(tmp);
  const hasInodes = st.files > 0 && st.ffree > 10;

  it.skipIf(!hasInodes)("refuse an upload when free inodes are below Min_Free_Inodes, with the inode sentence", () => {
    expect(() => assertRoomForUpload(tmp, { minFreeMb: 0, minFreeInodes: st.ffree + 1_000_000 })).toThrow(
      expect.objectContaining({ code: "DISK_FULL", message: expect.stringMatching(/free inodes \(files\) left, fewer than the .* it must keep \(Min_Free_Inodes\), so no upload is accepted now.*free some space/) }),
    );
    expect(() => assertRoomForUpload(tmp, { minFreeMb: 0, minFreeInodes: 1 })).not.toThrow();
  });

  it.skipIf(!hasInodes)("refuse a zip whose entries would take free inodes below Min_Free_Inodes", () => {
    const free = fs.statfsSync(tmp).ffree;
    const minFreeInodes = Math.max(1, free - 1_000);
    // Some slack either way: other programs create and remove files meanwhile.
    expect(() => assertRoomForEntries(tmp, { minFreeMb: 0, minFreeInodes }, 100_000)).toThrow(
      expect.objectContaining({ code: "DISK_FULL", message: expect.stringMatching(/^This zip holds 100,000 files and folders, which would leave QM_FOLDER's disk with fewer than the .* free inodes \(files\) it must keep \(Min_Free_Inodes/) }),
    );
    expect(() => assertRoomForEntries(tmp, { minFreeMb: 0, minFreeInodes: 1 }, 10)).not.toThrow();
    expect(() => assertRoomForEntries(tmp, { minFreeMb: 0, minFreeInodes: 0 }, 100_000_000)).not.toThrow();
  });
});
