/**
 * `npm run db:generate` (also postinstall and every build): the two Prisma clients from
 * the one schema source, lib/server/generated/prisma (SQLite) and
 * lib/server/generated/prisma-pg (PostgreSQL).
 */
import { spawnSync } from "node:child_process";
import path from "node:path";
import { useBinaryCompiler } from "./binary-compiler";
import { writePostgresSchema } from "./provider-schema";

/** Run `prisma generate` for both providers; throws when one fails. */
export function generateClients(root: string, quiet = false): void {
  const cli = path.join(root, "node_modules/prisma/build/index.js");
  for (const args of [["generate"], ["generate", "--schema", writePostgresSchema(root)]]) {
    const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, stdio: quiet ? "pipe" : "inherit", encoding: "utf8" });
    if (result.status !== 0) throw new Error(`prisma ${args.join(" ")} failed (exit ${result.status})${quiet ? `:\n${result.stdout}${result.stderr}` : ""}`);
  }
  for (const client of ["prisma", "prisma-pg"]) useBinaryCompiler(root, path.join(root, "lib/server/generated", client));
}

if (process.argv[1] && path.resolve(process.argv[1]) === path.resolve(import.meta.filename)) {
  try {
    generateClients(path.resolve(import.meta.dirname, "../.."), process.argv.includes("--quiet"));
  } catch (error) {
    console.error((error as Error).message);
    process.exit(1);
  }
}
