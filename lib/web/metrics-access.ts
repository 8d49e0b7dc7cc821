/**
 * Who may read GET /api/metrics: a scraper sending `Authorization: Bearer <Metrics_Token>`,
 * the administrator (session, Basic or API token), or a client whose address (Trusted_Proxies
 * applied, lib/web/client-address.ts) is in Metrics_Allow. The figures say how busy the
 * server is and who runs it; they are not public. Metrics_Allow is empty by default: on
 * this machine run job scripts under other uids, and an allowance for 127.0.0.1 is one
 * for each of them (docs/security.md).
 */
import { timingSafeEqual } from "node:crypto";
import { AppError } from "../core/app-error";
import { inRange, parseIp, parseRangeList } from "../core/ip-address";
import type { QmConfig } from "../core/qm-config";
import { getViewer } from "./auth";
import { clientAddress } from "./client-address";

function sameToken(sent: string, expected: string): boolean {
  const a = Buffer.from(sent);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

function isAllowedAddress(request: Request, config: QmConfig): { allowed: boolean; address: string } {
  const address = clientAddress(request, config.web.trustedProxies);
  const bytes = parseIp(address);
  const allowed = !!bytes && parseRangeList(config.web.metrics.allow.join(",")).ranges.some((r) => inRange(bytes, r));
  return { allowed, address };
}

export async function checkMetricsAccess(request: Request, config: QmConfig): Promise<void> {
  const { token, allow } = config.web.metrics;
  const header = request.headers.get("authorization");
  const bearer = header && /^bearer /i.test(header) ? header.slice(7).trim() : null;
  if (bearer !== null && token && sameToken(bearer, token)) return;
  const { allowed, address } = isAllowedAddress(request, config);
  if (bearer === null && allowed) return;
  // Not the metrics token: an administrator's API token, or wrong.
  const viewer = await getViewer(request).catch((error: unknown) => {
    if (bearer !== null) throw new AppError("UNAUTHORIZED", "Wrong metrics token: send the Metrics_Token of QMserv.cfg (or an administrator's API token) as Authorization: Bearer <token>.");
    throw error;
  });
  if (viewer.isAdmin) return;
  throw new AppError(
    "FORBIDDEN",
    `The metrics are open to the administrator, with Metrics_Token, or to the addresses of Metrics_Allow (${allow.join(", ") || "none"}); this request came from ${address}.`,
  );
}
