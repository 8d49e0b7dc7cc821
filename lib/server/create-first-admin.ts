import { AppError } from "../core/app-error";
import type { Db } from "./db";
import { hashPassword } from "./password";
import { type UserIdentity, toIdentity } from "./users/users";

/** Create the administrator account, only while none exists (first-start setup). */
export async function createFirstAdmin(db: Db, username: string, password: string): Promise<UserIdentity> {
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    if ((await tx.user.count({ where: { role: "admin" } })) > 0) {
      throw new AppError("CONFLICT", "An administrator account already exists; log in instead.");
    }
    const admin = await tx.user.create({ data: { username, passwordHash, role: "admin" } });
    return toIdentity(admin);
  });
}
