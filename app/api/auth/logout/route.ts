import { checkOrigin, endSession } from "@/lib/web/auth";
import { apiHandler, json } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Log out: ends the session and clears the cookie. */
export const POST = apiHandler(async (request) => {
  checkOrigin(request);
  const setCookie = await endSession(request);
  return json({ ok: true }, { headers: { "Set-Cookie": setCookie } });
});
