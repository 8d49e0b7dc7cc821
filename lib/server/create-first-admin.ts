import { AppError } from "../core/app-error";
import type { Db } from "./db";
import { hashPassword } from "./password";

/** Create the administrator account, only while none exists (first-start setup). */
export async function createFirstAdmin(db: Db, username: string, password: string): Promise<{ id: number; username: string }> {
  const passwordHash = await hashPassword(password);
  return db.$transaction(async (tx) => {
    if ((await tx.user.count({ where: { role: "admin" } })) > 0) {
      throw new AppError("CONFLICT", "An administrator account already exists; log in instead.");
    }
    const admin = await tx.user.create({ data: { username, passwordHash, role: "admin" } });
    return { id: admin.id, username: admin.username };
  });
}
