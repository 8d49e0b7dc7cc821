/** The URLs of a job's files, as the file routes serve them (one place for their shape). */

/**
 * A path of the job folder as a URL carries it: its bytes percent-encoded. A byte of a name
 * that is not UTF-8 is U+DC00 + the byte in the path's text (lib/core/name-bytes.ts), and
 * goes as that very byte; the server reads it back byte for byte (lib/web/http.ts).
 */
export function encodePath(path: string): string {
  let out = "";
  for (const char of path) {
    const code = char.codePointAt(0)!;
    out += code >= 0xdc80 && code <= 0xdcff ? `%${(code - 0xdc00).toString(16).toUpperCase()}` : encodeURIComponent(char);
  }
  return out;
}

const q = (path: string) => `path=${encodePath(path)}`;

/** The file itself: inline for text, pictures and PDF; `download`: always as an attachment. */
export const rawUrl = (id: number, path: string, download = false) => `/api/jobs/${id}/files/raw?${q(path)}${download ? "&download=1" : ""}`;

/** A picture made smaller: `thumb` (320 px) or `preview` (1600 px). */
export const thumbnailUrl = (id: number, path: string, size: "thumb" | "preview" = "thumb") => `/api/jobs/${id}/files/thumbnail?${q(path)}&size=${size}`;

/** Any file as text, from a byte offset (or its end). */
export const textUrl = (id: number, path: string, from: number | "tail") => `/api/jobs/${id}/files/text?${q(path)}${from === "tail" ? "&tail=1" : `&offset=${from}`}`;

/** The job page with a file open in its viewer. */
export const jobFileUrl = (id: number, path: string) => `/jobs/${id}?file=${encodePath(path)}`;
