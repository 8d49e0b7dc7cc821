/**
 * Bundle the qm command (cli/main.ts and what it imports from lib/core) into one file,
 * dist/cli/qm.mjs, that needs nothing but Node: it starts in a few tens of milliseconds
 * and can be copied anywhere on PATH. Plain JavaScript so bin/qm.mjs can run it before
 * any TypeScript loader exists.
 */
import fs from "node:fs";
import path from "node:path";

const SOURCES = ["cli", "lib/core"];

/** Where the bundle is. */
export const cliBundle = (root) => path.join(root, "dist/cli/qm.mjs");

function newestMtime(entry) {
  let stat;
  try {
    stat = fs.statSync(entry);
  } catch {
    return 0;
  }
  if (!stat.isDirectory()) return stat.mtimeMs;
  let newest = stat.mtimeMs;
  for (const child of fs.readdirSync(entry)) newest = Math.max(newest, newestMtime(path.join(entry, child)));
  return newest;
}

/** True when the bundle is missing or older than cli/ or lib/core/ (in a checkout). */
export function cliIsStale(root) {
  const bundle = cliBundle(root);
  if (!fs.existsSync(bundle)) return true;
  const built = fs.statSync(bundle).mtimeMs;
  return SOURCES.some((s) => newestMtime(path.join(root, s)) > built);
}

export async function buildCli(root) {
  const { build } = await import("esbuild");
  const { version } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  await build({
    entryPoints: [path.join(root, "cli/main.ts")],
    outfile: cliBundle(root),
    bundle: true,
    platform: "node",
    format: "esm",
    target: "node20",
    banner: { js: "#!/usr/bin/env node" },
    define: { QM_VERSION: JSON.stringify(version) },
    logLevel: "warning",
  });
  fs.chmodSync(cliBundle(root), 0o755);
  return cliBundle(root);
}
