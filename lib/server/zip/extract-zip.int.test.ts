import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { extractZip } from "./extract-zip";
import { archiveZip, buildZip } from "./zip-fixtures";
import { type ZipLimits, zipLimitsFor } from "./zip-limits";
import { zipFolder } from "../../../cli/zip-folder";

const MB = 1024 * 1024;
const limits: ZipLimits = { maxEntries: 50, maxTotalBytes: 100 * MB, maxRatio: 200, ratioFloorBytes: 1 * MB };
const dirs: string[] = [];

function tmp(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-unzip-"));
  dirs.push(dir);
  return dir;
}
async function extract(zip: Buffer, l: ZipLimits = limits) {
  const dir = tmp();
  fs.writeFileSync(path.join(dir, "in.zip"), zip);
  const dest = path.join(dir, "out");
  const result = await extractZip(path.join(dir, "in.zip"), dest, l);
  return { dest, result, dir };
}
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe("extractZip", () => {
  it("takes the zip qm submit makes of a folder with 30 MB of zeros (refused as a zip bomb before: qm now stores such a file)", async () => {
    const folder = path.join(tmp(), "zeros");
    fs.mkdirSync(folder);
    fs.writeFileSync(path.join(folder, "proc_config.cfg"), "[QMOptions]\nscript = ls\n");
    fs.writeFileSync(path.join(folder, "data.bin"), Buffer.alloc(30 * MB));
    fs.writeFileSync(path.join(folder, "notes.txt"), crypto.randomBytes(5_000).toString("hex"));
    const { zip } = zipFolder(folder, "zeros");
    const { dest, result } = await extract(zip, zipLimitsFor(100));
    expect(result.files).toBe(3);
    expect(fs.statSync(path.join(dest, "zeros/data.bin")).size).toBe(30 * MB);
    // A file that compresses as files usually do is still deflated (10,000 hex digits: about half).
    expect(zip.length).toBeLessThan(30 * MB + 9_000);
  });

  it("extracts a zip made by a zip library, keeping folders and the executable bit", async () => {
    const zip = await archiveZip([
      { name: "job/proc_config.cfg", data: "[QMOptions]\nscript = sh run.sh\n" },
      { name: "job/run.sh", data: "echo hi\n", mode: 0o755 },
      { name: "job/data/input.csv", data: "a,b\n1,2\n" },
    ]);
    const { dest, result } = await extract(zip);
    expect(result).toEqual({ files: 3, bytes: 47 });
    expect(fs.readFileSync(path.join(dest, "job/data/input.csv"), "utf8")).toBe("a,b\n1,2\n");
    expect(fs.statSync(path.join(dest, "job/run.sh")).mode & 0o111).not.toBe(0);
    expect(fs.statSync(path.join(dest, "job/data/input.csv")).mode & 0o111).toBe(0);
  });

  it("keeps a file others may not read private (0600, 0700 when executable); a zip without Unix modes gives 0644", async () => {
    const zip = await archiveZip([
      { name: "job/proc_config.cfg", data: "[QMOptions]\nscript = sh run.sh\n" },
      { name: "job/secret.txt", data: "key\n", mode: 0o600 },
      { name: "job/group.txt", data: "g\n", mode: 0o640 },
      { name: "job/tool", data: "#!/bin/sh\n", mode: 0o750 },
    ]);
    const { dest } = await extract(zip);
    const modeOf = (f: string) => fs.statSync(path.join(dest, "job", f)).mode & 0o777;
    expect([modeOf("secret.txt"), modeOf("group.txt"), modeOf("tool"), modeOf("proc_config.cfg")]).toEqual([0o600, 0o600, 0o700, 0o644]);
    const windows = await extract(buildZip([{ name: "job/data.txt", data: "w\n", mode: 0 }]));
    expect(fs.statSync(path.join(windows.dest, "job/data.txt")).mode & 0o777).toBe(0o644);
  });

  it("reads a name not flagged UTF-8 as UTF-8 when its bytes are (macOS's Archive Utility), else as CP437 (an old Windows zip)", async () => {
    const zip = buildZip([
      { name: "job/proc_config.cfg", data: "[QMOptions]\nscript = cat *.csv\n" },
      { name: "", rawName: Buffer.from("job/r\u00e9sultat.csv", "utf8"), data: "mac\n" },
      { name: "", rawName: Buffer.from([...Buffer.from("job/donn"), 0x82, ...Buffer.from("es.csv")]), data: "windows\n" },
    ]);
    const { dest } = await extract(zip);
    expect(fs.readFileSync(path.join(dest, "job/résultat.csv"), "utf8")).toBe("mac\n");
    expect(fs.readFileSync(path.join(dest, "job/données.csv"), "utf8")).toBe("windows\n");
  });

  it("skips __MACOSX clutter", async () => {
    const { dest } = await extract(buildZip([{ name: "a.txt", data: "x" }, { name: "__MACOSX/._a.txt", data: "y" }]));
    expect(fs.readdirSync(dest)).toEqual(["a.txt"]);
  });

  it.each([
    ["../evil", /"\.\.\/evil" contains "\.\."/],
    ["job/../../evil", /outside the job folder/],
    ["/tmp/qm-abs-evil", /absolute path/],
    ["..\\evil", /backslash/],
  ])("refuses the entry %j and writes nothing outside", async (name, message) => {
    const zip = buildZip([{ name: "ok.txt", data: "fine" }, { name, data: "pwned" }]);
    await expect(extract(zip)).rejects.toThrow(message);
    expect(fs.existsSync("/tmp/qm-abs-evil")).toBe(false);
  });

  it("refuses a symbolic link (made by archiver)", async () => {
    const zip = await archiveZip([{ name: "job/a.txt", data: "x" }], [{ name: "job/passwd", target: "/etc/passwd" }]);
    await expect(extract(zip)).rejects.toThrow(/"job\/passwd" is a symbolic link/);
  });

  it("refuses encrypted entries", async () => {
    await expect(extract(buildZip([{ name: "secret.txt", data: "x", encrypted: true, deflate: false }]))).rejects.toThrow(/encrypted/);
  });

  it("refuses more entries than the limit before extracting any", async () => {
    const entries = Array.from({ length: 51 }, (_, i) => ({ name: `f${i}.txt`, data: "" }));
    await expect(extract(buildZip(entries))).rejects.toMatchObject({ code: "TOO_LARGE", message: expect.stringMatching(/51 entries; at most 50/) });
  });

  it("stops a small, highly compressed bomb while writing it", async () => {
    const zip = buildZip([{ name: "zeros.bin", data: Buffer.alloc(20 * MB) }]);
    expect(zip.length).toBeLessThan(100 * 1024);
    const dir = tmp();
    fs.writeFileSync(path.join(dir, "bomb.zip"), zip);
    await expect(extractZip(path.join(dir, "bomb.zip"), path.join(dir, "out"), limits)).rejects.toMatchObject({
      code: "TOO_LARGE",
      message: expect.stringMatching(/zip bomb/),
    });
    // Stopped once the ratio passed 200 (about 4 MB for 20 KB compressed), not after all 20 MB.
    expect(fs.statSync(path.join(dir, "out/zeros.bin")).size).toBeLessThan(6 * MB);
  });

  it("counts written bytes against the total, whatever the sizes declared", async () => {
    const zip = buildZip([{ name: "a.bin", data: Buffer.alloc(3 * MB, 1) }, { name: "b.bin", data: Buffer.alloc(3 * MB, 2) }]);
    await expect(extract(zip, { ...limits, maxTotalBytes: 5 * MB, maxRatio: 1e9 })).rejects.toThrow(/expands to more than 5 MB/);
  });

  it("refuses an entry whose data is longer than its declared size", async () => {
    const zip = buildZip([{ name: "liar.bin", data: Buffer.alloc(2 * MB) }]);
    // Patch the declared uncompressed size (local header and central directory) to 10 bytes.
    zip.writeUInt32LE(10, 22);
    const central = zip.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    zip.writeUInt32LE(10, central + 24);
    await expect(extract(zip, { ...limits, maxRatio: 1e9 })).rejects.toThrow(/damaged/);
  });

  it("extracts small and large entries alike: stored, deflated, past the in-memory sizes", async () => {
    const random = crypto.randomBytes(5 * MB); // a 5 MB zip: read as it extracts
    const repeated = Buffer.alloc(3 * MB, "abc"); // 3 MB in a small zip: streamed from memory
    const entries = [
      { name: "stored.txt", data: "kept as is\n", deflate: false },
      { name: "deflated.txt", data: "x".repeat(1000) },
      { name: "empty.txt", data: "" },
      { name: "repeated.bin", data: repeated },
    ];
    const small = await extract(buildZip(entries), { ...limits, maxRatio: 1e9 });
    const large = await extract(buildZip([...entries, { name: "random.bin", data: random, deflate: false }]), { ...limits, maxRatio: 1e9 });
    for (const { dest } of [small, large]) {
      expect(fs.readFileSync(path.join(dest, "stored.txt"), "utf8")).toBe("kept as is\n");
      expect(fs.readFileSync(path.join(dest, "deflated.txt"), "utf8")).toBe("x".repeat(1000));
      expect(fs.readFileSync(path.join(dest, "empty.txt"), "utf8")).toBe("");
      expect(fs.readFileSync(path.join(dest, "repeated.bin")).equals(repeated)).toBe(true);
    }
    expect(fs.readFileSync(path.join(large.dest, "random.bin")).equals(random)).toBe(true);
    expect(large.result).toEqual({ files: 5, bytes: 1011 + 3 * MB + 5 * MB });
  });

  it("refuses an entry whose data is shorter than its declared size, or not deflate data", async () => {
    const short = buildZip([{ name: "short.txt", data: "only this" }]);
    short.writeUInt32LE(100, 22);
    short.writeUInt32LE(100, short.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02])) + 24);
    await expect(extract(short)).rejects.toThrow(/damaged .*"short.txt" holds 9 bytes where it declares 100/);
    const garbled = buildZip([{ name: "garbled.txt", data: "some text to deflate, some text to deflate" }]);
    garbled.fill(0xff, 30 + "garbled.txt".length, 30 + "garbled.txt".length + 8); // the deflate data's first bytes
    await expect(extract(garbled)).rejects.toThrow(/damaged .*"garbled.txt" cannot be inflated/);
  });

  it("refuses a file that is not a zip", async () => {
    await expect(extract(Buffer.from("this is not a zip at all"))).rejects.toThrow(/not a valid zip archive/);
  });

  it("refuses an entry given twice", async () => {
    await expect(extract(buildZip([{ name: "a.txt", data: "1" }, { name: "a.txt", data: "2" }]))).rejects.toThrow(/appears twice/);
  });
});
