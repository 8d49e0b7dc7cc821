/** A multipart/form-data body (text fields, then each zip as a `file` part), as POST /api/jobs wants it. */
import { randomBytes } from "node:crypto";

export function multipartBody(fields: Record<string, string | undefined>, files: { name: string; data: Buffer }[]): { multipart: Buffer; boundary: string } {
  const boundary = `----qm${randomBytes(12).toString("hex")}`;
  const parts: Buffer[] = [];
  for (const [name, value] of Object.entries(fields)) {
    if (value === undefined) continue;
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`));
  }
  for (const file of files) {
    const fileName = file.name.replace(/["\r\n\\]/g, "_");
    parts.push(Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="${fileName}"\r\nContent-Type: application/zip\r\n\r\n`), file.data, Buffer.from("\r\n"));
  }
  parts.push(Buffer.from(`--${boundary}--\r\n`));
  return { multipart: Buffer.concat(parts), boundary };
}
