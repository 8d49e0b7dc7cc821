/**
 * Where the login page sends someone once logged in (`/login?next=...`): a path of this
 * site, never another site. The link is anyone's to write, so the check is the browser's
 * own reading of it: `/\t/evil.example` starts with one slash, but browsers drop tabs and
 * newlines from URLs and read `//evil.example`, another site (so do `/\evil.example` and
 * the like). Anything that does not resolve to this origin gives "/".
 */
const ORIGIN = "http://qm.invalid";

export function safeNext(next: string | null | undefined): string {
  if (!next || !next.startsWith("/")) return "/";
  let url: URL;
  try {
    url = new URL(next, ORIGIN);
  } catch {
    return "/";
  }
  return url.origin === ORIGIN ? `${url.pathname}${url.search}${url.hash}` : "/";
}
