/**
 * The `curl` lines of the documentation, as a reader would copy them: every line of a
 * ```sh block that starts with `curl` (continuation lines joined), with the file and line
 * it came from. e2e/docs-curl.spec.ts runs them against a real QueueManager.
 */
import fs from "node:fs";
import path from "node:path";

export interface DocCommand {
  /** e.g. "docs/api.md:57" */
  where: string;
  command: string;
}

export function curlCommands(root: string, files: string[]): DocCommand[] {
  const out: DocCommand[] = [];
  for (const file of files) {
    const lines = fs.readFileSync(path.join(root, file), "utf8").split("\n");
    let inShell = false;
    for (let i = 0; i < lines.length; i++) {
      const line = lines[i];
      if (/^\s*```/.test(line)) {
        inShell = !inShell && /^\s*```(sh|bash|shell)\s*$/.test(line);
        continue;
      }
      if (!inShell || !/^\s*curl\s/.test(line)) continue;
      const start = i;
      let command = line.trim();
      while (command.endsWith("\\") && i + 1 < lines.length) command = `${command.slice(0, -1).trimEnd()} ${lines[++i].trim()}`;
      out.push({ where: `${file}:${start + 1}`, command });
    }
  }
  return out;
}
