/** The URLs of a job's files, as the file routes serve them (one place for their shape). */
const q = (path: string) => `path=${encodeURIComponent(path)}`;

/** The file itself: inline for text, pictures and PDF; `download`: always as an attachment. */
export const rawUrl = (id: number, path: string, download = false) => `/api/jobs/${id}/files/raw?${q(path)}${download ? "&download=1" : ""}`;

/** A picture made smaller: `thumb` (320 px) or `preview` (1600 px). */
export const thumbnailUrl = (id: number, path: string, size: "thumb" | "preview" = "thumb") => `/api/jobs/${id}/files/thumbnail?${q(path)}&size=${size}`;

/** Any file as text, from a byte offset (or its end). */
export const textUrl = (id: number, path: string, from: number | "tail") => `/api/jobs/${id}/files/text?${q(path)}${from === "tail" ? "&tail=1" : `&offset=${from}`}`;

/** The job page with a file open in its viewer. */
export const jobFileUrl = (id: number, path: string) => `/jobs/${id}?file=${encodeURIComponent(path)}`;
