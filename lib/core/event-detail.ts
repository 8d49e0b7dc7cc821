/**
 * A history event's detail as people read it, on the job page and in `qm show`: the JSON
 * some events keep ({"by":"admin","previous":{"state":"invalid",...}}) becomes
 * "by: admin; previous: state=invalid, ..."; plain text is kept as it is.
 */
export function describeEventDetail(detail: string | null): string {
  if (!detail) return "";
  try {
    const parsed = JSON.parse(detail) as unknown;
    if (parsed && typeof parsed === "object") {
      return Object.entries(parsed as Record<string, unknown>)
        .map(([k, v]) => `${k}: ${typeof v === "object" && v !== null ? Object.entries(v).filter(([, x]) => x !== null).map(([a, b]) => `${a}=${String(b)}`).join(", ") : String(v)}`)
        .join("; ");
    }
  } catch {
    // plain text
  }
  return detail;
}
