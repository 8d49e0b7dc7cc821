import { z } from "zod";

export const loginSchema = z.object({
  username: z.string().trim().min(1, "enter the user name").max(100),
  password: z.string().min(1, "enter the password").max(1000),
});
export type LoginInput = z.infer<typeof loginSchema>;

export const setupSchema = z.object({
  username: z
    .string()
    .trim()
    .min(1, "choose a user name")
    .max(100)
    .regex(/^[A-Za-z0-9._@-]+$/, "use letters, digits and . _ @ - only"),
  password: z.string().min(8, "use at least 8 characters").max(1000),
  /** The one-time token of the server log, needed when setup is not done from the server itself. */
  token: z.string().max(200).optional(),
});
export type SetupInput = z.infer<typeof setupSchema>;
