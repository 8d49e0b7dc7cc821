/**
 * What a file of a job is, from its name: which viewer shows it on the job page and how
 * the file route serves it. One table, so that the browser never gets a type the viewer
 * did not expect. Files a browser would run (HTML, scripts) are never shown: they are
 * `active`, served only as downloads.
 */

/** The viewer a file gets. `active`: would run in the page (refused); `other`: no viewer. */
export type FileKind = "image" | "svg" | "pdf" | "table" | "json" | "text" | "active" | "other";

const KINDS: Record<string, FileKind> = {};
const add = (kind: FileKind, extensions: string) => extensions.split(" ").forEach((e) => (KINDS[e] = kind));
add("image", "png jpg jpeg gif webp");
add("svg", "svg");
add("pdf", "pdf");
add("table", "csv tsv");
add("json", "json");
add("text", "log cfg txt xml py sh md ini out err yaml yml dat r m c h cpp f f90 tex toml conf sql");
add("active", "html htm xhtml xht shtml mhtml js mjs cjs");

/** Media types of the files served inline (the rest are downloads). */
const INLINE_TYPES: Record<string, string> = {
  png: "image/png",
  jpg: "image/jpeg",
  jpeg: "image/jpeg",
  gif: "image/gif",
  webp: "image/webp",
  // Only ever put in an <img>, and served with a CSP sandbox: a script inside never runs.
  svg: "image/svg+xml",
  pdf: "application/pdf",
};

const extensionOf = (name: string) => {
  const base = name.slice(name.lastIndexOf("/") + 1);
  const dot = base.lastIndexOf(".");
  return dot > 0 ? base.slice(dot + 1).toLowerCase() : "";
};

export function fileKindOf(name: string): FileKind {
  return KINDS[extensionOf(name)] ?? "other";
}

/** Shown inline as text by the file route (log, cfg, txt, csv, json...). */
export function isTextFileName(name: string): boolean {
  const kind = fileKindOf(name);
  return kind === "text" || kind === "table" || kind === "json";
}

/** The Content-Type the file route serves `name` with when it is viewed, or null: a download. */
export function inlineMediaType(name: string): string | null {
  if (isTextFileName(name)) return "text/plain; charset=utf-8";
  return INLINE_TYPES[extensionOf(name)] ?? null;
}

/** Raster images the server can make thumbnails of. */
export const isRasterImage = (name: string) => fileKindOf(name) === "image";

/** Images shown in a results strip: raster images, and SVG (as an <img>). */
export const isPicture = (name: string) => ["image", "svg"].includes(fileKindOf(name));
