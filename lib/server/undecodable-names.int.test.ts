/** Folder names that are not UTF-8, renamed to their Latin-1 reading in a real folder: when, to what, and what is left alone. */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, expect, it } from "vitest";
import { isUtf8Bytes } from "../core/name-bytes";
import { escapedName, renameUndecodableEntries } from "./undecodable-names";

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), "qm-names-"));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const latin1 = (text: string) => Buffer.concat([Buffer.from(`${dir}/`), Buffer.from(text, "latin1")]);

it("tells UTF-8 names from others and shows the others' bytes as \\xNN", () => {
  expect(isUtf8Bytes(Buffer.from("données"))).toBe(true);
  expect(isUtf8Bytes(Buffer.from("donn\xe9es", "latin1"))).toBe(false);
  expect(escapedName(Buffer.from("donn\xe9es", "latin1"))).toBe("donn\\xe9es");
});

it("renames once settled, adds -2 when the Latin-1 name is taken, and leaves UTF-8 and hidden names alone", async () => {
  fs.mkdirSync(latin1("donn\xe9es"));
  fs.writeFileSync(Buffer.concat([latin1("donn\xe9es"), Buffer.from("/x")]), "1");
  fs.mkdirSync(latin1("caf\xe9"));
  fs.mkdirSync(path.join(dir, "café"));
  fs.mkdirSync(latin1(".tmp-\xe9"));
  // Just made: could be a copy in progress.
  const early = await renameUndecodableEntries(dir, 5_000);
  expect(early).toMatchObject({ renamed: [], failed: [] });
  expect(early.unsettled.sort()).toEqual(["caf\\xe9", "donn\\xe9es"]);
  const later = await renameUndecodableEntries(dir, 5_000, Date.now() + 10_000);
  expect(later.renamed).toEqual(expect.arrayContaining([{ from: "donn\\xe9es", to: "données" }, { from: "caf\\xe9", to: "café-2" }]));
  expect(later.unsettled).toEqual([]);
  expect(fs.readFileSync(path.join(dir, "données", "x"), "utf8")).toBe("1");
  expect(fs.readdirSync(dir, { encoding: "buffer" }).map((b) => escapedName(b)).sort()).toEqual([".tmp-\\xe9", "caf\\xc3\\xa9", "caf\\xc3\\xa9-2", "donn\\xc3\\xa9es"]);
});
