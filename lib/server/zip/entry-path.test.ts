import { describe, expect, it } from "vitest";
import { checkEntryType, isJunkEntry, safeEntryPath } from "./entry-path";

describe("safeEntryPath", () => {
  it("keeps ordinary relative paths, dropping ./ and trailing slashes", () => {
    expect(safeEntryPath("job/proc_config.cfg")).toBe("job/proc_config.cfg");
    expect(safeEntryPath("./job/data/")).toBe("job/data");
    expect(safeEntryPath("données/ü.txt")).toBe("données/ü.txt");
  });

  it.each([
    ["../evil", /outside the job folder/],
    ["job/../../evil", /outside the job folder/],
    ["/etc/passwd", /absolute path/],
    ["C:/Windows/x", /absolute path/],
    ["c:evil", /absolute path/],
    ["..\\evil", /backslash/],
    ["job\\..\\..\\evil", /backslash/],
    ["a\0b", /NUL/],
    ["./", /empty path/],
  ])("rejects %j", (name, message) => {
    expect(() => safeEntryPath(name)).toThrow(message);
  });

  it("names the entry in the message", () => {
    expect(() => safeEntryPath("../evil.sh")).toThrow('The zip entry "../evil.sh"');
  });

  it("rejects absurdly long names", () => {
    expect(() => safeEntryPath(`${"a".repeat(300)}/x`)).toThrow(/too long/);
  });
});

describe("checkEntryType", () => {
  const unix = (mode: number) => (mode << 16) >>> 0;
  it("accepts files and folders, from Unix and DOS zips", () => {
    expect(checkEntryType("a.txt", unix(0o100644))).toBe("file");
    expect(checkEntryType("run.sh", unix(0o100755))).toBe("file");
    expect(checkEntryType("dir/", unix(0o040755))).toBe("dir");
    expect(checkEntryType("dir/", 0x10)).toBe("dir");
    expect(checkEntryType("a.txt", 0x20)).toBe("file");
  });

  it("rejects symbolic links and special files", () => {
    expect(() => checkEntryType("link", unix(0o120777))).toThrow(/symbolic link/);
    expect(() => checkEntryType("fifo", unix(0o010644))).toThrow(/not a regular file/);
  });
});

describe("isJunkEntry", () => {
  it("skips macOS and Windows clutter only", () => {
    expect(isJunkEntry("__MACOSX/job/._a")).toBe(true);
    expect(isJunkEntry("job/.DS_Store")).toBe(true);
    expect(isJunkEntry("job/.hidden")).toBe(false);
  });
});
