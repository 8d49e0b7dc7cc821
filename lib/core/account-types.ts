/** Answers of the accounts API (users for the administrator, a user's own tokens). */

/** One account, as the administrator's users page lists it. */
export interface UserSummary {
  id: number;
  username: string;
  role: "admin" | "user";
  email: string | null;
  disabled: boolean;
  createdAt: string;
  /** Jobs submitted from this account. */
  jobs: number;
}

/** DELETE /api/users/:id: the account deleted, and how many jobs it owned (they stay in the history). */
export interface DeletedUser {
  id: number;
  username: string;
  jobs: number;
}

/** One personal API token (never the token itself, except once at creation). */
export interface TokenSummary {
  id: number;
  name: string;
  createdAt: string;
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/** POST /api/account/tokens: the token, shown this once. */
export interface CreatedToken extends TokenSummary {
  token: string;
}

/** Who is logged in (GET /api/auth/session, POST /api/auth/login). */
export interface SessionUser {
  username: string;
  role: "admin" | "user";
  email: string | null;
}
