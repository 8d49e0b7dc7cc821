import { loginSchema } from "@/lib/core/auth-schemas";
import { checkOrigin, createSession, verifyCredentials } from "@/lib/web/auth";
import { checkKnownHost } from "@/lib/web/host-check";
import { apiHandler, json, readJson } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Log in: `{ username, password }` -> session cookie + `{ admin, csrfToken }`. */
export const POST = apiHandler(async (request) => {
  checkOrigin(request);
  checkKnownHost(request);
  const { username, password } = await readJson(request, loginSchema);
  const admin = await verifyCredentials(request, username, password);
  const { setCookie, csrfToken } = await createSession(request, admin);
  return json({ admin: { username: admin.username }, csrfToken }, { headers: { "Set-Cookie": setCookie } });
});
