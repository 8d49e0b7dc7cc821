import { loginSchema } from "@/lib/core/auth-schemas";
import { checkOrigin, createSession, verifyCredentials } from "@/lib/web/auth";
import { checkKnownHost } from "@/lib/web/host-check";
import { apiHandler, json, readJson } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Log in: `{ username, password }` -> session cookie + `{ user, csrfToken }`. */
export const POST = apiHandler(async (request) => {
  checkOrigin(request);
  checkKnownHost(request);
  const { username, password } = await readJson(request, loginSchema);
  const user = await verifyCredentials(request, username, password);
  const { setCookie, csrfToken } = await createSession(request, user);
  return json({ user: { username: user.username, role: user.role, email: user.email }, csrfToken }, { headers: { "Set-Cookie": setCookie } });
});
