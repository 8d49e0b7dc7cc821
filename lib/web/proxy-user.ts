/**
 * Sign-in by a reverse proxy (Apache or nginx doing LDAP/SSO): QMserv.cfg names the header
 * it sets (`Trusted_User_Header = X-Remote-User`) and the addresses it connects from
 * (`Trusted_Proxies`). The header is honoured only on connections from those addresses
 * (from a loopback one, only from the proxy's account: Trusted_Proxy_Users); from anywhere
 * else it is ignored, so nobody, a job on this machine included, becomes someone by sending a header. The
 * account is created (role user) the first time the proxy names it; a disabled one is refused.
 */
import { AppError } from "../core/app-error";
import type { QmConfig } from "../core/qm-config";
import { usernameSchema } from "../core/user-schemas";
import { type UserIdentity, proxiedUser, toIdentity } from "../server/users/users";
import { getDb } from "./context";
import { isFromTrustedProxy } from "./client-address";

/**
 * Is this request's connection from one of the Trusted_Proxies (and, for a proxy on this
 * machine, from its account: client-address.ts)? Known only behind QueueManager's own web
 * server, which writes the socket's address and ports (peer-header.ts).
 */
export function fromTrustedProxy(request: Request, config: QmConfig): boolean {
  return isFromTrustedProxy(request, config.web.trustedProxies, config.web.trustedProxyUsers);
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
