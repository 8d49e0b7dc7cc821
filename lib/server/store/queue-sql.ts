/**
 * SQL pieces of the queue rules, built from the rules' own definitions in lib/core so that
 * the worker's reads and the pure functions never disagree. State names are fixed
 * identifiers from lib/core, never user input, so they are written inline.
 */
import { AFTER_ANY_MET, AFTER_OK_BROKEN, AFTER_OK_MET } from "../../core/dependencies";
import { ACTIVE_STATES, WAITING_STATES } from "../../core/job-lifecycle";

export const inList = (states: readonly string[]) => `(${states.map((s) => `'${s}'`).join(", ")})`;

/** True for a dependency row `d` whose parent `p` lets the child start. */
export const DEPENDENCIES_MET = `((d."kind" = 'after_ok' AND p."state" IN ${inList(AFTER_OK_MET)}) OR (d."kind" = 'after_any' AND p."state" IN ${inList(AFTER_ANY_MET)}))`;
/** True for a dependency row `d` whose parent `p` means the child never starts. */
export const DEPENDENCY_BROKEN = `(d."kind" = 'after_ok' AND p."state" IN ${inList(AFTER_OK_BROKEN)})`;

export const ACTIVE = inList(ACTIVE_STATES);
export const WAITING = inList(WAITING_STATES);

/**
 * Whose job it is, for fair share: the account that submitted it, else its e_mail
 * (lower-cased), else "anonymous". `t` is the Job table's alias.
 */
export const ownerKeySql = (t: string) => `COALESCE('user ' || CAST(${t}."userId" AS TEXT), NULLIF(LOWER(TRIM(${t}."owner")), ''), 'anonymous')`;
