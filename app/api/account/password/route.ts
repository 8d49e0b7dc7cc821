import { changePasswordSchema } from "@/lib/core/user-schemas";
import { changeOwnPassword } from "@/lib/server/users/users";
import { requireUser } from "@/lib/web/access";
import { sessionIdOf } from "@/lib/web/auth";
import { getDb } from "@/lib/web/context";
import { apiHandler, json, readJson } from "@/lib/web/http";

export const dynamic = "force-dynamic";

/** Change one's own password `{ currentPassword, newPassword }`; one's other sessions end. */
export const POST = apiHandler(async (request) => {
  const viewer = await requireUser(request, "change your password");
  const { currentPassword, newPassword } = await readJson(request, changePasswordSchema);
  await changeOwnPassword(getDb(), viewer.user.id, currentPassword, newPassword, sessionIdOf(request));
  return json({ ok: true });
});
