import { describe, expect, it } from "vitest";
import { parseBackupArgs } from "./db-backup-args";

describe("npm run db:backup's arguments", () => {
  it("takes a FILE or --keep N", () => {
    expect(parseBackupArgs([])).toEqual({});
    expect(parseBackupArgs(["--keep", "14"])).toEqual({ keep: 14 });
    expect(parseBackupArgs(["/srv/qm.db"])).toEqual({ file: "/srv/qm.db" });
    expect(() => parseBackupArgs(["--keep", "0"])).toThrow(/1 or more/);
  });

  it("refuses --keep beside a FILE, which it used to ignore without a word", () => {
    expect(() => parseBackupArgs(["/srv/qm.db", "--keep", "2"])).toThrow(/cannot go with a FILE/);
  });

  it("shows the usage npm accepts: one -- before all the arguments", () => {
    expect(() => parseBackupArgs(["/srv/qm.db", "--", "--keep", "2"])).toThrow("usage: npm run db:backup -- [FILE] [--keep N]");
  });
});
