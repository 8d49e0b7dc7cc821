/**
 * Whether an error means the database is out of reach (PostgreSQL stopped, restarting, the
 * network to it down) rather than a fault of the request or a bug: the pg driver's socket
 * errors, PostgreSQL's connection and shutdown codes, and Prisma's words for the same,
 * looked for along the error's causes. SQLite, a file, has no such state.
 */
const CODES = new Set([
  // Node's socket errors.
  "ECONNREFUSED", "ECONNRESET", "ENOTFOUND", "ETIMEDOUT", "EHOSTUNREACH", "ENETUNREACH", "EAI_AGAIN", "EPIPE",
  // Prisma: cannot reach, timed out, closed the connection.
  "P1001", "P1002", "P1017",
  // PostgreSQL: shutting down (57P01-03), connection exceptions (class 08).
  "57P01", "57P02", "57P03", "08000", "08001", "08003", "08006",
]);
const WORDS = /can't reach database server|server has closed the connection|connection terminated|terminating connection due to administrator command|the database system is (?:starting up|shutting down)/i;

export function isDatabaseUnreachable(error: unknown, depth = 0): boolean {
  if (!error || typeof error !== "object" || depth > 5) return false;
  const e = error as { code?: unknown; message?: unknown; cause?: unknown };
  if (typeof e.code === "string" && CODES.has(e.code)) return true;
  if (typeof e.message === "string" && WORDS.test(e.message)) return true;
  return isDatabaseUnreachable(e.cause, depth + 1);
}
