/**
 * On PostgreSQL one database serves one QM_FOLDER: its rows name folders relative to it.
 * The folder's lock (pg-session.ts) is keyed by the folder's id, so it cannot see a worker
 * whose QM_FOLDER is another folder (a host where the shared folder is not mounted, or
 * QM_FOLDER left at its default): such a worker found none of the jobs' folders and called
 * the jobs that still ran under the real worker lost. The database keeps the id of its
 * folder (a Setting row, written by the first worker); a worker on another folder refuses,
 * and so does a web server at its start (its uploads would wait where no worker looks).
 */
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import type { QmLayout } from "./qm-folders";
import { readSetting } from "./store/settings";
import type { Sql } from "./store/sql";

export const DATABASE_FOLDER_KEY = "qm-folder";

/** The folder a database belongs to, as its last worker saw it. */
export interface DatabaseFolder {
  /** `.qm/folder-id` of the folder. */
  id: string;
  /** QM_FOLDER as that worker's QMserv.cfg named it. */
  path: string;
  host: string;
}

/** Record this worker's folder as the database's, or throw when the database belongs to another. */
export async function claimDatabaseFolder(sql: Sql, mine: { id: string; path: string; idFile: string }): Promise<void> {
  const value: DatabaseFolder = { id: mine.id, path: mine.path, host: os.hostname() };
  // Two workers on two folders may start at once (their folder locks differ): the first insert wins.
  await sql.run(`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?) ON CONFLICT ("key") DO NOTHING`, [DATABASE_FOLDER_KEY, JSON.stringify(value), new Date()]);
  const owner = await readSetting<DatabaseFolder>(sql, DATABASE_FOLDER_KEY);
  if (owner && owner.id !== mine.id) throw anotherFolder(owner, mine.path, mine.idFile);
  // The same folder, perhaps through another path or from another host: the message above names the latest.
  if (owner && (owner.path !== value.path || owner.host !== value.host)) {
    await sql.run(`UPDATE "Setting" SET "value" = ?, "updatedAt" = ? WHERE "key" = ?`, [JSON.stringify(value), new Date(), DATABASE_FOLDER_KEY]);
  }
}

/** Throw when the database belongs to a folder other than `layout`'s (read only: the worker records it). */
export async function assertDatabaseFolder(sql: Sql, layout: QmLayout): Promise<void> {
  const owner = await readSetting<DatabaseFolder>(sql, DATABASE_FOLDER_KEY);
  if (!owner) return;
  const idFile = path.join(layout.internal, "folder-id");
  let id: string | null = null;
  try {
    id = fs.readFileSync(idFile, "utf8").trim();
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== "ENOENT") throw error;
  }
  if (id !== owner.id) throw anotherFolder(owner, layout.root, idFile);
}

function anotherFolder(owner: DatabaseFolder, mine: string, idFile: string): Error {
  return new Error(
    `this database belongs to another QM_FOLDER: ${owner.path} (on ${owner.host}), not ${mine}. ` +
      `Every host must use the same shared folder: set QM_FOLDER in QMserv.cfg to where this host mounts it. ` +
      `If ${mine} is that folder and only its .qm/folder-id was lost, write ${owner.id} into ${idFile} and start again`,
  );
}
