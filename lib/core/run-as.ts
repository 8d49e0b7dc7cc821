/**
 * Which names `Run_As` may match to choose the Unix account a job runs as (a worker running
 * as root; worker/local/identity.ts applies the map). The rule in one place:
 * - a job submitted by an account is that account's: Run_As may name it by user name or by
 *   the e-mail the administrator set for it, never by the job's own e_mail, which anyone
 *   may type into a form or an info file;
 * - a folder dropped into QM_qJobs is known by its e_mail, as QM 0.4 knew its jobs: whoever
 *   can write there already works on the machine;
 * - a web or API submission without an account is nobody's: it runs as a pool uid.
 * The map itself is parsed here too: the worker reads it when it starts, and the admin page
 * checks an edit with the same parser.
 */

/** What of a job (and of the account that submitted it) decides who it runs as. */
export interface RunAsSubject {
  /** How the job came: "folder" (dropped into QM_qJobs), "upload", "api". */
  source: string;
  /** The job's e_mail. */
  owner: string | null;
  /** The submitting account's user name and e-mail (null: no account). */
  accountName: string | null;
  accountEmail: string | null;
}

export function runAsKeys(job: RunAsSubject): string[] {
  const keys = job.accountName !== null ? [job.accountName, job.accountEmail] : job.source === "folder" ? [job.owner] : [];
  return keys.filter((k): k is string => !!k && k.trim() !== "").map((k) => k.trim());
}

/**
 * How an owner is compared: an e-mail whatever its case (as a folder job's e_mail finds its
 * account), a user name as written. Accounts `ann` and `ANN` are two people (the account
 * list compares names exactly), so `ann=ann` must not run ANN's jobs as ann.
 */
export function runAsKey(owner: string): string {
  const key = owner.trim();
  return key.includes("@") ? key.toLowerCase() : key;
}

/** `alice@lab.org=alice, bob=bob2` -> owner (runAsKey) -> account name; throws, saying what to write, on anything else. */
export function parseRunAs(text: string): Map<string, string> {
  const map = new Map<string, string>();
  for (const pair of text.split(",").map((p) => p.trim()).filter(Boolean)) {
    const eq = pair.indexOf("=");
    if (eq <= 0) throw new Error(`Run_As entries are owner=account, separated by commas, like ann=ann, bob@lab.org=bob (got "${pair}")`);
    map.set(runAsKey(pair.slice(0, eq)), pair.slice(eq + 1).trim());
  }
  return map;
}

/** The account Run_As names for the first of `keys` (runAsKeys) it knows, with that key. */
export function runAsAccountFor(runAs: Map<string, string>, keys: readonly string[]): { owner: string; account: string } | null {
  for (const owner of keys) {
    const account = runAs.get(runAsKey(owner));
    if (account) return { owner, account };
  }
  return null;
}
