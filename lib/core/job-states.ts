/** Text files shown inline in the file browser; everything else is downloaded. (Job states: job-lifecycle.ts.) */
export const TEXT_EXTENSIONS = ["log", "cfg", "txt", "xml", "py", "sh", "csv", "tsv", "json", "md", "ini", "out", "err", "yaml", "yml"];

export function isTextFileName(name: string): boolean {
  const dot = name.lastIndexOf(".");
  return dot > 0 && TEXT_EXTENSIONS.includes(name.slice(dot + 1).toLowerCase());
}
