/** Input of the accounts API: users (administrator), own password, tokens. */
import { z } from "zod";

export const usernameSchema = z
  .string()
  .trim()
  .min(1, "choose a user name")
  .max(100)
  .regex(/^[A-Za-z0-9._@-]+$/, "use letters, digits and . _ @ - only");

export const newPasswordSchema = z.string().min(8, "use at least 8 characters").max(1000);

/** An address, or none: "" and null both mean none (null is what GET /api/users answers for it). */
const emailSchema = z.union([z.literal(""), z.null().transform(() => ""), z.email("enter an e-mail address such as ann@lab.org").max(200)]);

export const createUserSchema = z.object({
  username: usernameSchema,
  email: emailSchema.optional(),
  role: z.enum(["admin", "user"]).default("user"),
  password: newPasswordSchema,
});
export type CreateUserInput = z.infer<typeof createUserSchema>;

/** Only the fields given change; `password` resets it (the user's sessions end). */
export const updateUserSchema = z.object({
  email: emailSchema.optional(),
  role: z.enum(["admin", "user"]).optional(),
  disabled: z.boolean().optional(),
  password: newPasswordSchema.optional(),
});
export type UpdateUserInput = z.infer<typeof updateUserSchema>;

export const changePasswordSchema = z.object({
  currentPassword: z.string().min(1, "enter your current password").max(1000),
  newPassword: newPasswordSchema,
});

export const createTokenSchema = z.object({
  name: z.string().trim().min(1, "name the token (where it is used, e.g. laptop)").max(100),
});
