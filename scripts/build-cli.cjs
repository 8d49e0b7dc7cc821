/**
 * Bundle the qm command (cli/main.ts and what it imports from lib/core) into one file,
 * dist/cli/qm.cjs, that needs nothing but Node: it starts in a few tens of milliseconds
 * and can be copied anywhere on PATH. Plain CommonJS so bin/qm.cjs can run it before
 * any TypeScript loader exists. CommonJS: Node loads its built-in modules (node:http...)
 * through require without the ES module loader's facades, and a copy without an
 * extension (/usr/local/bin/qm) is read as CommonJS at once, where an ES module is first
 * tried as CommonJS and compiled again (or, before Node 20.19, refused): 10% of a
 * command's start (docs/cli.md).
 */
"use strict";
const fs = require("node:fs");
const path = require("node:path");

/** Where the bundle is. */
const cliBundle = (root) => path.join(root, "dist/cli/qm.cjs");
/** Beside it, the files it was made from (esbuild's inputs, and package.json for the version). */
const inputsFile = (root) => path.join(root, "dist/cli/qm.inputs.json");

/**
 * True when the bundle is missing, or one of the files it was made from is newer or gone
 * (in a checkout). Only those are looked at: walking all of cli/ and lib/core took 5 ms of
 * every command's start.
 */
function cliIsStale(root) {
  let built, inputs;
  try {
    built = fs.statSync(cliBundle(root)).mtimeMs;
    inputs = JSON.parse(fs.readFileSync(inputsFile(root), "utf8"));
  } catch {
    return true;
  }
  return inputs.some((file) => {
    try {
      return fs.statSync(path.join(root, file)).mtimeMs > built;
    } catch {
      return true;
    }
  });
}

async function buildCli(root) {
  const { build } = await import("esbuild");
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const { metafile } = await build({
    entryPoints: [path.join(root, "cli/main.ts")],
    outfile: cliBundle(root),
    bundle: true,
    platform: "node",
    format: "cjs",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    define: { QM_VERSION: JSON.stringify(version) },
    logLevel: "warning",
    metafile: true,
    absWorkingDir: root,
  });
  fs.writeFileSync(inputsFile(root), JSON.stringify(["package.json", ...Object.keys(metafile.inputs)]));
  fs.chmodSync(cliBundle(root), 0o755);
  // The ES module bundle of earlier versions: not left to be copied onto PATH by mistake.
  fs.rmSync(path.join(root, "dist/cli/qm.mjs"), { force: true });
  return cliBundle(root);
}

module.exports = { buildCli, cliBundle, cliIsStale };
