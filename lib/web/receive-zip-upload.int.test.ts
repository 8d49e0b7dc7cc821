/**
 * saveFilePart: a file part held in memory while small, streamed once large; never
 * half-written when cut off while held. receiveZipUpload: a file's name as browsers send it.
 */
import crypto from "node:crypto";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { PassThrough, Readable } from "node:stream";
import { afterEach, describe, expect, it } from "vitest";
import { receiveZipUpload, saveFilePart } from "./receive-zip-upload";

const dirs: string[] = [];
const tmp = () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-part-"));
  dirs.push(dir);
  return dir;
};
afterEach(() => dirs.splice(0).forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

/** `data` as a stream of 64 KB chunks, as busboy hands a part over. */
const chunked = (data: Buffer) => Readable.from(Array.from({ length: Math.ceil(data.length / 65536) }, (_, i) => data.subarray(i * 65536, (i + 1) * 65536)));

describe("saveFilePart", () => {
  it.each([
    ["an empty part", 0],
    ["a small part (held, written in one call)", 5_000],
    ["a part of 3 MB (held up to 1 MB, then streamed)", 3 * 1024 * 1024],
  ])("writes %s whole", async (_what, size) => {
    const data = crypto.randomBytes(size);
    const file = path.join(tmp(), "upload-0.zip");
    await saveFilePart(chunked(data), file);
    expect(fs.readFileSync(file).equals(data)).toBe(true);
  });

  it("never overwrites a file that is there", async () => {
    const file = path.join(tmp(), "upload-0.zip");
    fs.writeFileSync(file, "first");
    await expect(saveFilePart(chunked(Buffer.from("second")), file)).rejects.toMatchObject({ code: "EEXIST" });
    expect(fs.readFileSync(file, "utf8")).toBe("first");
  });

  it("a part cut off while held is an error and writes nothing", async () => {
    const part = new PassThrough();
    const file = path.join(tmp(), "upload-0.zip");
    const saved = saveFilePart(part, file);
    part.write(Buffer.alloc(1000));
    part.destroy();
    await expect(saved).rejects.toThrow(/cut off/);
    expect(fs.existsSync(file)).toBe(false);
  });

  it("a part cut off once streaming is an error", async () => {
    const part = new PassThrough();
    const saved = saveFilePart(part, path.join(tmp(), "upload-0.zip"));
    part.write(Buffer.alloc(2 * 1024 * 1024));
    await new Promise((r) => setTimeout(r, 20));
    part.destroy(new Error("connection reset"));
    await expect(saved).rejects.toThrow(/connection reset|premature close/i);
  });
});

describe("receiveZipUpload", () => {
  it("reads a file's name as the UTF-8 browsers and curl send it", async () => {
    const boundary = "qmboundary";
    const body = Buffer.concat([
      Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="été 日本.sh"\r\nContent-Type: text/x-sh\r\n\r\n`, "utf8"),
      Buffer.from("#!/bin/sh\necho hi\n"),
      Buffer.from(`\r\n--${boundary}--\r\n`),
    ]);
    const request = new Request("http://localhost/api/jobs", { method: "POST", headers: { "content-type": `multipart/form-data; boundary=${boundary}` }, body });
    const upload = await receiveZipUpload(request, tmp(), 1024 * 1024);
    expect(upload.zips.map((z) => z.zipName)).toEqual(["été 日本.sh"]);
    expect(fs.readFileSync(upload.zips[0].zipPath, "utf8")).toBe("#!/bin/sh\necho hi\n");
  });

  it("a multipart Content-Type without its boundary is the client's error, said as such (was a 500)", async () => {
    // curl -H 'content-type: multipart/form-data' -d ...: busboy threw "Boundary not found".
    const request = new Request("http://localhost/api/jobs", { method: "POST", headers: { "content-type": "multipart/form-data" }, body: "x" });
    await expect(receiveZipUpload(request, tmp(), 1024 * 1024)).rejects.toMatchObject({
      code: "INVALID_INPUT",
      message: expect.stringMatching(/multipart\/form-data needs a boundary.*curl -F/),
    });
  });
});
