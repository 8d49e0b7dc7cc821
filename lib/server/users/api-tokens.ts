/**
 * Personal API tokens for scripts and the `qm` command: `Authorization: Bearer qm_...`.
 * Only the SHA-256 of a token is stored; the token itself is shown once, at creation.
 * A revoked token, or one of a disabled account, opens nothing.
 */
import { createHash, randomBytes } from "node:crypto";
import { AppError } from "../../core/app-error";
import type { CreatedToken, TokenSummary } from "../../core/account-types";
import type { Db } from "../db";
import type { ApiToken } from "../generated/prisma/client";
import { type UserIdentity, toIdentity } from "./users";

const PREFIX = "qm_";
const MAX_ACTIVE = 100;
// lastUsedAt is written at most this often: a script polling a job must not write a row per request.
const TOUCH_EVERY_MS = 60_000;

const hashOf = (token: string) => createHash("sha256").update(token).digest("hex");

const toSummary = (t: ApiToken): TokenSummary => ({
  id: t.id,
  name: t.name,
  createdAt: t.createdAt.toISOString(),
  lastUsedAt: t.lastUsedAt?.toISOString() ?? null,
  revokedAt: t.revokedAt?.toISOString() ?? null,
});

export async function createApiToken(db: Db, userId: number, name: string): Promise<CreatedToken> {
  if ((await db.apiToken.count({ where: { userId, revokedAt: null } })) >= MAX_ACTIVE) {
    throw new AppError("CONFLICT", `You have ${MAX_ACTIVE} active tokens; revoke some you no longer use first.`);
  }
  const token = PREFIX + randomBytes(32).toString("base64url");
  const row = await db.apiToken.create({ data: { userId, name, tokenHash: hashOf(token) } });
  return { ...toSummary(row), token };
}

export async function listApiTokens(db: Db, userId: number): Promise<TokenSummary[]> {
  const rows = await db.apiToken.findMany({ where: { userId }, orderBy: [{ revokedAt: "asc" }, { createdAt: "desc" }] });
  return rows.map(toSummary);
}

/** Revoke one of the user's tokens (revoking twice is fine). */
export async function revokeApiToken(db: Db, userId: number, id: number): Promise<TokenSummary> {
  const row = await db.apiToken.findFirst({ where: { id, userId } });
  if (!row) throw new AppError("NOT_FOUND", `You have no token ${id}.`);
  return toSummary(row.revokedAt ? row : await db.apiToken.update({ where: { id }, data: { revokedAt: new Date() } }));
}

/** The user a Bearer token opens, or null when it opens nothing. */
export async function identifyApiToken(db: Db, token: string): Promise<UserIdentity | null> {
  if (!token.startsWith(PREFIX) || token.length > 200) return null;
  const row = await db.apiToken.findUnique({ where: { tokenHash: hashOf(token) }, include: { user: true } });
  if (!row || row.revokedAt || row.user.disabled) return null;
  if (!row.lastUsedAt || Date.now() - row.lastUsedAt.getTime() > TOUCH_EVERY_MS) {
    await db.apiToken.update({ where: { id: row.id }, data: { lastUsedAt: new Date() } });
  }
  return toIdentity(row.user);
}
