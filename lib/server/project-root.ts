/** The folder of QueueManager's package.json, found upwards from a folder inside it. */
import fs from "node:fs";
import path from "node:path";

export function findProjectRoot(start: string): string {
  for (let dir = start; ; dir = path.dirname(dir)) {
    const manifest = path.join(dir, "package.json");
    if (fs.existsSync(manifest) && JSON.parse(fs.readFileSync(manifest, "utf8")).name === "queuemanager") return dir;
    if (path.dirname(dir) === dir) throw new Error(`cannot find QueueManager's package.json above ${start}`);
  }
}
