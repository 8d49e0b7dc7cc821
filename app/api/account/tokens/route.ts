import { AppError } from "@/lib/core/app-error";
import { createTokenSchema } from "@/lib/core/user-schemas";
import { createApiToken, listApiTokens } from "@/lib/server/users/api-tokens";
import { requireUser } from "@/lib/web/access";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/** One's personal API tokens (never the tokens themselves). */
export const GET = apiHandler(async (request) => {
  const viewer = await requireUser(request, "see your API tokens");
  return json({ tokens: await listApiTokens(getDb(), viewer.user.id) });
});

/**
 * Create a token `{ name }`: the answer holds it, this once (`qm login` calls this with
 * Basic). Not with a token: a leaked one could make others, and revoking it would not end
 * the leak.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await requireUser(request, "create an API token");
  if (viewer.via === "token") {
    throw new AppError("FORBIDDEN", "An API token cannot create other tokens (a leaked one could outlive its revocation that way); create tokens on your account page, or with qm login and your password.");
  }
  const { name } = await readJson(request, createTokenSchema);
  const token = await createApiToken(getDb(), viewer.user.id, name);
  webLog().info(`API token "${name}" created by ${viewer.user.username}`);
  return json({ token }, { status: 201 });
});
