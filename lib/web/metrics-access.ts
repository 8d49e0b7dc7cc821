/**
 * Who may read GET /api/metrics: a scraper sending `Authorization: Bearer <Metrics_Token>`,
 * or any client whose address (Trusted_Proxies applied, lib/web/client-address.ts) is in
 * Metrics_Allow. The figures say how busy the server is and who runs it; they are not public.
 */
import { timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import { inRange, parseIp, parseRangeList } from "../core/ip-address";
import type { QmConfig } from "../core/qm-config";
import { clientAddress } from "./client-address";

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

export function checkMetricsAccess(request: Request, config: QmConfig): void {
  const { token, allow } = config.web.metrics;
  const header = request.headers.get("authorization");
  if (header && /^bearer /i.test(header)) {
    if (token && sameToken(header.slice(7).trim(), token)) return;
    throw new AppError("UNAUTHORIZED", "Wrong metrics token: send the Metrics_Token of QMserv.cfg as Authorization: Bearer <token>.");
  }
  const address = clientAddress(request, config.web.trustedProxies);
  const bytes = parseIp(address);
  if (bytes && parseRangeList(allow.join(",")).ranges.some((r) => inRange(bytes, r))) return;
  throw new AppError(
    "FORBIDDEN",
    `The metrics are open to the addresses of Metrics_Allow (${allow.join(", ") || "none"}) or with Metrics_Token; this request came from ${address}.`,
  );
}
