/**
 * A QM_FOLDER's identity: a random id kept in `.qm/folder-id`, made by the first worker.
 * Hosts may mount a shared QM_FOLDER at different paths (or through symlinks); the id is
 * the same whatever path reaches it, so the database lock derived from it is too.
 */
import { randomUUID } from "node:crypto";
import fs from "node:fs";
import path from "node:path";

export function folderId(internalDir: string): string {
  const file = path.join(internalDir, "folder-id");
  const existing = readId(file);
  if (existing) return existing;
  // Written aside, then linked in: link(2) refuses to replace, so two workers starting at
  // once agree on the first id and neither reads a half-written file.
  const tmp = `${file}.${process.pid}.${randomUUID()}`;
  fs.writeFileSync(tmp, `${randomUUID()}\n`);
  try {
    fs.linkSync(tmp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "EEXIST") throw error;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
  const id = readId(file);
  if (!id) throw new Error(`${file} is empty or unreadable; remove it and start the worker again`);
  return id;
}

function readId(file: string): string | null {
  try {
    return fs.readFileSync(file, "utf8").trim() || null;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
}
