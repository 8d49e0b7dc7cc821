import { changePasswordSchema } from "@/lib/core/user-schemas";
import { changeOwnPassword } from "@/lib/server/users/users";
import { requireUser } from "@/lib/web/access";
import { sessionIdOf, withPasswordTry } from "@/lib/web/auth";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";
import { webLog } from "@/lib/web/web-log";

export const dynamic = "force-dynamic";

/**
 * Change one's own password `{ currentPassword, newPassword }`; one's other sessions end.
 * The current password is checked under the login slow-down, or a stolen session could
 * guess it at full speed.
 */
export const POST = apiHandler(async (request) => {
  const viewer = await requireUser(request, "change your password");
  const { currentPassword, newPassword } = await readJson(request, changePasswordSchema);
  await withPasswordTry(request, viewer.user.username, () => changeOwnPassword(getDb(), viewer.user.id, currentPassword, newPassword, sessionIdOf(request)), "wrong passwords");
  webLog().info(`password changed by ${viewer.user.username}`);
  return json({ ok: true });
});
