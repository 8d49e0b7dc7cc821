/**
 * The qm command's bundle (scripts/build-cli.cjs) in a project of its own: made with the
 * real esbuild, run with node, and judged stale exactly when a file it was made from
 * changed or went (a file it does not use may change freely).
 */
import { spawnSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, expect, it } from "vitest";
import { buildCli, cliBundle, cliIsStale } from "./build-cli.cjs";

let root: string;
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

const write = (file: string, text: string) => {
  fs.mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
  fs.writeFileSync(path.join(root, file), text);
};
const SOURCES = ["package.json", "cli/main.ts", "lib/core/word.ts", "lib/core/unused.ts"];
/** Made from sources last changed two minutes ago. */
const build = async () => {
  const before = new Date(Date.now() - 120_000);
  for (const file of SOURCES) if (fs.existsSync(path.join(root, file))) fs.utimesSync(path.join(root, file), before, before);
  return buildCli(root);
};
/** An edit of `file` after the bundle was made. */
const editedLater = (file: string) => {
  const later = new Date(fs.statSync(cliBundle(root)).mtimeMs + 1_000);
  fs.utimesSync(path.join(root, file), later, later);
};

it("makes a CommonJS bundle that runs alone, and remakes it only when one of its sources changed", async () => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), "qm-build-cli-"));
  write("package.json", JSON.stringify({ version: "9.9.9" }));
  write("cli/main.ts", `import { word } from "../lib/core/word";\ndeclare const QM_VERSION: string;\nconsole.log(word, QM_VERSION);\n`);
  write("lib/core/word.ts", `export const word = "bundled";\n`);
  write("lib/core/unused.ts", `export const other = 1;\n`);
  write("dist/cli/qm.mjs", "an earlier version's bundle\n");
  expect(cliIsStale(root)).toBe(true);

  const bundle = await build();
  expect(bundle).toBe(path.join(root, "dist/cli/qm.cjs"));
  const copy = path.join(root, "qm"); // copied onto PATH without its extension
  fs.copyFileSync(bundle, copy);
  const ran = spawnSync(process.execPath, [copy], { encoding: "utf8" });
  expect(ran.stdout, ran.stderr).toBe("bundled 9.9.9\n");
  expect(fs.existsSync(path.join(root, "dist/cli/qm.mjs"))).toBe(false);
  expect(cliIsStale(root)).toBe(false);

  editedLater("lib/core/unused.ts");
  expect(cliIsStale(root)).toBe(false);
  editedLater("lib/core/word.ts");
  expect(cliIsStale(root)).toBe(true);

  await build();
  expect(cliIsStale(root)).toBe(false);
  editedLater("package.json"); // the version it says
  expect(cliIsStale(root)).toBe(true);

  await build();
  fs.rmSync(path.join(root, "lib/core/word.ts"));
  expect(cliIsStale(root)).toBe(true);
});
