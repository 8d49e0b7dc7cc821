/**
 * Sign-in by a reverse proxy (Apache or nginx doing LDAP/SSO): QMserv.cfg names the header
 * it sets (`Trusted_User_Header = X-Remote-User`) and the addresses it connects from
 * (`Trusted_Proxies`). The header is honoured only on connections from those addresses;
 * from anywhere else it is ignored, so nobody becomes someone by sending a header. The
 * account is created (role user) the first time the proxy names it; a disabled one is refused.
 */
import { AppError } from "../core/app-error";
import { type AddressRange, inRange, parseIp, parseRangeList } from "../core/ip-address";
import type { QmConfig } from "../core/qm-config";
import { usernameSchema } from "../core/user-schemas";
import { type UserIdentity, proxiedUser, toIdentity } from "../server/users/users";
import { getDb } from "./context";
import { PEER_HEADER, isPeerHeaderTrusted } from "./peer-header";

let parsed: { key: string; ranges: AddressRange[] } | undefined;

function trustedRanges(entries: string[]): AddressRange[] {
  const key = entries.join(",");
  if (parsed?.key !== key) parsed = { key, ranges: parseRangeList(key).ranges };
  return parsed.ranges;
}

/**
 * Is this request's connection from one of the Trusted_Proxies? Known only behind
 * QueueManager's own web server, which writes the socket's address (peer-header.ts).
 */
export function fromTrustedProxy(request: Request, config: QmConfig): boolean {
  const peer = isPeerHeaderTrusted() ? parseIp(request.headers.get(PEER_HEADER) ?? "") : null;
  return peer !== null && trustedRanges(config.web.trustedProxies).some((range) => inRange(peer, range));
}

export async function proxyUser(request: Request, config: QmConfig): Promise<UserIdentity | null> {
  const header = config.web.trustedUserHeader;
  const value = header ? request.headers.get(header)?.trim() : undefined;
  if (!value || !fromTrustedProxy(request, config)) return null;
  const name = usernameSchema.safeParse(value);
  if (!name.success) throw new AppError("FORBIDDEN", `The proxy's ${header} header names "${value.slice(0, 100)}", which is not a valid user name.`);
  const user = await proxiedUser(getDb(), name.data);
  if (user.disabled) throw new AppError("FORBIDDEN", `The account ${user.username} is disabled; ask the administrator.`);
  return toIdentity(user);
}
