/**
 * When a folder tree last changed: what says a copy into QM_FOLDER is over (worker/intake.ts
 * for the rule; lib/server/undecodable-names.ts renames a folder only once it holds still).
 */
import fs from "node:fs";
import { loopTurns } from "./loop-turns";
import { childPath } from "./open-beneath";

/**
 * Newest change time (ms) in a folder tree, by the intake's readiness rule (worker/intake.ts):
 * the ctime of every entry inside and the folder's own mtime. Names are walked as
 * bytes: a file whose name is not UTF-8 (Latin-1 from an older system) counts too, and does
 * not make the folder look gone.
 */
export async function lastChangeMs(dir: string | Buffer): Promise<number> {
  const top = fs.statSync(dir);
  let newest = top.mtimeMs;
  const turns = loopTurns();
  const walk = async (d: string | Buffer) => {
    for (const entry of fs.readdirSync(d, { withFileTypes: true, encoding: "buffer" })) {
      const turn = turns(); // a folder of a million files is looked at often while it is copied in
      if (turn) await turn;
      const full = childPath(d, entry.name);
      const st = fs.lstatSync(full);
      newest = Math.max(newest, st.ctimeMs);
      if (d === dir && entry.name.toString() === "process.log") newest = Math.max(newest, top.ctimeMs);
      if (entry.isDirectory()) await walk(full);
    }
  };
  await walk(dir);
  return newest;
}
