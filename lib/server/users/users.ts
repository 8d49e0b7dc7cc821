/**
 * Accounts: the administrator's list, creation, changes and deletion, a user's own
 * password, and the accounts a trusted proxy names. Passwords are stored as scrypt hashes;
 * sessions end when a password is reset or an account disabled. At least one enabled
 * administrator always remains.
 */
import { AppError } from "../../core/app-error";
import type { DeletedUser, UserSummary } from "../../core/account-types";
import { ACTIVE_STATES, WAITING_STATES } from "../../core/job-lifecycle";
import type { CreateUserInput, UpdateUserInput } from "../../core/user-schemas";
import type { Db } from "../db";
import { Prisma, type User } from "../generated/prisma/client";
import { hashPassword, verifyPassword } from "../password";
import { BUMP_JOBS_VERSION } from "../store/jobs-version";

/** A logged-in person as the web app passes them around. */
export interface UserIdentity {
  id: number;
  username: string;
  role: "admin" | "user";
  email: string | null;
}

export const toIdentity = (user: Pick<User, "id" | "username" | "role" | "email">): UserIdentity => ({
  id: user.id,
  username: user.username,
  role: user.role === "admin" ? "admin" : "user",
  email: user.email,
});

const toSummary = (user: User, jobs: number): UserSummary => ({
  ...toIdentity(user),
  disabled: user.disabled,
  createdAt: user.createdAt.toISOString(),
  jobs,
});

/** Which jobs a count takes: every one but the deleted (the list's), or those in these states. */
type CountedStates = { not: "deleted" } | { in: string[] };

/**
 * How many jobs (deleted ones left out, or those in `states`) each account owns, as isOwner
 * decides: those it submitted, and the account-less ones (dropped folders, imported) whose
 * e_mail is its e-mail. One pass over the jobs by account and one by e-mail, whatever the accounts.
 */
async function jobCounts(db: Pick<Db, "job">, users: User[], states: CountedStates = { not: "deleted" }): Promise<Map<number, number>> {
  const counted = { state: states };
  const submitted = await db.job.groupBy({ by: ["userId"], where: { ...counted, userId: { in: users.map((u) => u.id) } }, _count: { _all: true } });
  const counts = new Map<number, number>(submitted.map((r) => [r.userId!, r._count._all]));
  if (users.some((u) => u.email?.trim())) {
    const byEmail = new Map<string, number>();
    const dropped = await db.job.groupBy({ by: ["owner"], where: { ...counted, userId: null, owner: { not: null } }, _count: { _all: true } });
    for (const r of dropped) byEmail.set(emailKey(r.owner!), (byEmail.get(emailKey(r.owner!)) ?? 0) + r._count._all);
    for (const u of users) if (u.email?.trim()) counts.set(u.id, (counts.get(u.id) ?? 0) + (byEmail.get(emailKey(u.email)) ?? 0));
  }
  return counts;
}

const summariesOf = async (db: Db, users: User[]) => {
  const counts = await jobCounts(db, users);
  return users.map((u) => toSummary(u, counts.get(u.id) ?? 0));
};

// A hash no password matches: accounts created for a trusted proxy sign in only through it.
const NO_PASSWORD = "none";

export async function listUsers(db: Db): Promise<UserSummary[]> {
  return summariesOf(db, await db.user.findMany({ orderBy: { username: "asc" } }));
}

export async function createUser(db: Db, input: CreateUserInput): Promise<UserSummary> {
  // Names that differ by case alone would be two people whom a reader (and Run_As, which
  // some write in another case) tells apart by nothing: refused, like e-mails.
  const names = await db.user.findMany({ select: { username: true } });
  const taken = names.find((u) => u.username.toLowerCase() === input.username.toLowerCase());
  if (taken) {
    const same = taken.username === input.username ? `a user named ${input.username}` : `a user named ${taken.username}, the same name in another case`;
    throw new AppError("CONFLICT", `There is already ${same}; choose another name.`, { username: `there is already ${same}; choose another name` });
  }
  const passwordHash = await hashPassword(input.password);
  const user = await db.$transaction(async (tx) => {
    if (input.email) await assertEmailFree(tx, input.email, null);
    return tx.user.create({ data: { username: input.username, email: input.email || null, role: input.role, passwordHash } });
  });
  return (await summariesOf(db, [user]))[0];
}

/** The administrator's edit: e-mail, role, disabled, a new password. */
export async function updateUser(db: Db, id: number, input: UpdateUserInput): Promise<UserSummary> {
  const passwordHash = input.password ? await hashPassword(input.password) : undefined;
  const user = await db.$transaction(async (tx) => {
    const before = await tx.user.findUnique({ where: { id } });
    if (!before) throw new AppError("NOT_FOUND", `There is no user ${id}.`);
    // Keeping one's e-mail (in any case) claims nothing new, even if an older account shares it.
    if (input.email && emailKey(input.email) !== emailKey(before.email ?? "")) await assertEmailFree(tx, input.email, id);
    const after = await tx.user.update({
      where: { id },
      data: { email: input.email === undefined ? undefined : input.email || null, role: input.role, disabled: input.disabled, passwordHash },
    });
    await assertAnAdminLeft(tx);
    if (after.disabled || passwordHash) await tx.session.deleteMany({ where: { userId: id } });
    return after;
  });
  return (await summariesOf(db, [user]))[0];
}

/** No enabled administrator would be left: checked after a change inside its transaction (throwing undoes it), or before deleting `exceptId`. */
async function assertAnAdminLeft(tx: Pick<Db, "user">, exceptId?: number): Promise<void> {
  if ((await tx.user.count({ where: { role: "admin", disabled: false, ...(exceptId === undefined ? {} : { id: { not: exceptId } }) } })) === 0) {
    throw new AppError("CONFLICT", "QueueManager needs at least one enabled administrator; make someone else administrator first.");
  }
}

/** Jobs that have not finished: waiting in QM_qJobs (queued, held) or handed to an executor (pending, running). */
const UNFINISHED_STATES: string[] = [...WAITING_STATES, ...ACTIVE_STATES];

/**
 * The administrator deletes an account (`byAdminId`, who may not delete their own). Its
 * sessions and API tokens go with it (cascades); the jobs it submitted stay in the history
 * without an account (Job.userId set null), their e_mail kept: like any account-less job
 * they are then the account's whose e-mail that is, one made later included. Refused while
 * it owns jobs that have not finished (the worker would go on running them for nobody), and
 * for the last enabled administrator. `jobs`: how many jobs it owned, as the list counts them.
 */
export async function deleteUser(db: Db, id: number, byAdminId: number): Promise<DeletedUser> {
  return db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id } });
    if (!user) throw new AppError("NOT_FOUND", `There is no user ${id}.`);
    // The last administrator deleting their own account is told what would let it happen, before being told it is theirs.
    if (user.role === "admin" && !user.disabled) await assertAnAdminLeft(tx, id);
    if (id === byAdminId) throw new AppError("CONFLICT", "You cannot delete the account you are signed in with; ask another administrator.");
    const unfinished = (await jobCounts(tx, [user], { in: UNFINISHED_STATES })).get(id) ?? 0;
    if (unfinished > 0) {
      const jobs = unfinished === 1 ? "1 job" : `${unfinished} jobs`;
      throw new AppError("CONFLICT", `${user.username} has ${jobs} queued or running: kill or delete ${unfinished === 1 ? "it" : "them"} first, or disable the account instead.`);
    }
    const jobs = (await jobCounts(tx, [user])).get(id) ?? 0;
    const submitted = await tx.job.count({ where: { userId: id } });
    await tx.user.delete({ where: { id } });
    // Its jobs' rows changed (userId set null): open pages are told, as after any job write.
    if (submitted > 0) await tx.$executeRaw(Prisma.sql(BUMP_JOBS_VERSION.split("?"), new Date()));
    return { id, username: user.username, jobs };
  });
}

/** E-mails are one whatever their case and surrounding spaces, as a job's e_mail finds its owner (isOwner). */
const emailKey = (email: string) => email.trim().toLowerCase();

/**
 * Refuses an e-mail another account has. A folder job's e_mail makes it the account's with
 * that e-mail (and Run_As may run it as that account): two accounts with one e-mail would
 * each act on the other's jobs. Compared in code, the same on SQLite and PostgreSQL; a lab
 * has few accounts. Accounts that already share one are left as they are.
 */
async function assertEmailFree(tx: Pick<Db, "user">, email: string, exceptId: number | null): Promise<void> {
  const others = await tx.user.findMany({ where: { email: { not: null }, ...(exceptId === null ? {} : { id: { not: exceptId } }) }, select: { username: true, email: true } });
  const holder = others.find((other) => emailKey(other.email ?? "") === emailKey(email));
  if (holder) {
    throw new AppError(
      "CONFLICT",
      `Another account, ${holder.username}, has the e-mail ${holder.email}; give this account another e-mail, or change ${holder.username}'s first.`,
      { email: `another account, ${holder.username}, has this e-mail` },
    );
  }
}

/** A user's own password change: the current one must be right; other sessions end. */
export async function changeOwnPassword(db: Db, userId: number, current: string, next: string, keepSessionId: string | null): Promise<void> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || !(await verifyPassword(current, user.passwordHash))) {
    throw new AppError("FORBIDDEN", "The current password is wrong.", { currentPassword: "the current password is wrong; type the one you log in with" });
  }
  await db.user.update({ where: { id: userId }, data: { passwordHash: await hashPassword(next) } });
  await db.session.deleteMany({ where: { userId, ...(keepSessionId ? { id: { not: keepSessionId } } : {}) } });
}

/** The account a trusted proxy names, created (role user) on its first visit. */
export async function proxiedUser(db: Db, username: string): Promise<User> {
  return db.user.upsert({ where: { username }, create: { username, role: "user", passwordHash: NO_PASSWORD }, update: {} });
}
