/**
 * Headers that keep a job's files from running as active content in our origin: no
 * sniffing, and a CSP `sandbox` that makes any document made of them (an SVG or a PDF
 * opened on its own, a PDF in the job page's frame) an opaque origin without scripts.
 */
export const FILE_SAFETY_HEADERS = {
  "X-Content-Type-Options": "nosniff",
  "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'none'",
  "X-Frame-Options": "DENY",
  "Cache-Control": "no-store",
} as const;

/**
 * A PDF framed by the job page. The frame has no `sandbox` attribute, since Chromium
 * refuses its PDF viewer in such frames; the sandbox comes from the response's own CSP.
 */
export const FRAMEABLE_HEADERS = {
  "Content-Security-Policy": "sandbox; default-src 'none'; frame-ancestors 'self'",
  "X-Frame-Options": "SAMEORIGIN",
} as const;

/** `attachment; filename="..."; filename*=UTF-8''...` with the name made header-safe. */
export function contentDisposition(kind: "inline" | "attachment", name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]|["\\]/g, "_");
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`;
}
