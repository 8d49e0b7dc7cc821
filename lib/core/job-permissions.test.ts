import { describe, expect, it } from "vitest";
import { type Actor, type OwnedJob, actionsFitting, isOwnerOrAdmin, mayAct, ownJobActionsPhrase, refusalOf } from "./job-permissions";

const ann: Actor = { id: 2, role: "user", email: "ann@lab.org" };
const bob: Actor = { id: 3, role: "user", email: null };
const admin: Actor = { id: 1, role: "admin", email: null };
const on = { licenceToKill: true, deleteJobs: true };
const off = { licenceToKill: false, deleteJobs: false };

describe("who may act on a job", () => {
  const annsJob = { id: 7, userId: 2, owner: "ann@lab.org" };

  it("owners act on their own jobs, others do not, the admin on all", () => {
    for (const action of ["kill", "requeue", "delete", "hold", "release"] as const) {
      expect(mayAct(ann, annsJob, action, on)).toBe(true);
      expect(mayAct(bob, annsJob, action, on)).toBe(false);
      expect(mayAct(admin, annsJob, action, on)).toBe(true);
      expect(mayAct(null, annsJob, action, on)).toBe(false);
    }
  });

  it("the owner or the administrator (who may read the files a job keeps from others): the job's account, its e_mail without one, the admin; nobody else", () => {
    expect([ann, bob, admin, null].map((actor) => isOwnerOrAdmin(actor, annsJob))).toEqual([true, false, true, false]);
    expect(isOwnerOrAdmin(ann, { userId: null, owner: "ANN@lab.org " })).toBe(true);
    expect(isOwnerOrAdmin(ann, { userId: 3, owner: "ann@lab.org" })).toBe(false); // submitted by bob's account, whatever e_mail it names
  });

  it("Licence_to_kill and Delete_Jobs switch kill and delete off for everyone but the admin", () => {
    expect(mayAct(ann, annsJob, "kill", off)).toBe(false);
    expect(mayAct(ann, annsJob, "delete", off)).toBe(false);
    expect(mayAct(ann, annsJob, "requeue", off)).toBe(true);
    expect(mayAct(admin, annsJob, "kill", off)).toBe(true);
    expect(refusalOf(ann, annsJob, "kill", off)).toMatch(/Licence_to_kill = False/);
    expect(refusalOf(bob, { ...annsJob, account: "ann" }, "kill", on)).toMatch(/not yours \(it was submitted by ann\)/);
    expect(refusalOf(null, annsJob, "delete", on)).toMatch(/Log in/);
  });

  it("a refusal names the account that submitted the job, never its e_mail, which may be the refused person's own", () => {
    // The administrator submitted job 166 for bob with e_mail bob@lab.org: bob was told it belongs to bob@lab.org.
    const bobWithMail: Actor = { id: 3, role: "user", email: "bob@lab.org" };
    const forBob = { id: 166, userId: 1, owner: "bob@lab.org" };
    expect(refusalOf(bobWithMail, { ...forBob, account: "admin" }, "release", on)).toBe(
      "Job 166 is not yours (it was submitted by admin); only its owner or the administrator may release it.",
    );
    expect(refusalOf(bobWithMail, forBob, "release", on)).toBe("Job 166 is not yours; only its owner or the administrator may release it.");
    // A job without an account is its e-mail's: that is named.
    expect(refusalOf(bobWithMail, { id: 8, userId: null, owner: "ann@lab.org" }, "release", on)).toMatch(/\(it belongs to ann@lab.org\)/);
  });

  it("a job without an account (a folder drop, an import) belongs to the user with its e-mail", () => {
    const dropped: OwnedJob = { userId: null, owner: "Ann@Lab.org " };
    expect(mayAct(ann, dropped, "kill", on)).toBe(true);
    expect(mayAct(bob, dropped, "kill", on)).toBe(false);
    expect(mayAct(bob, { userId: null, owner: null }, "kill", on)).toBe(false);
    // An account's job is never claimed through the e-mail.
    expect(mayAct(ann, { userId: 3, owner: "ann@lab.org" }, "kill", on)).toBe(false);
  });
});

describe("what the account page tells a user they may do with their own jobs", () => {
  it("names hold and release too, and leaves out what QMserv.cfg switched off", () => {
    expect(ownJobActionsPhrase(on)).toBe("hold, release, requeue, kill or delete");
    expect(ownJobActionsPhrase({ licenceToKill: false, deleteJobs: true })).toBe("hold, release, requeue or delete");
    expect(ownJobActionsPhrase(off)).toBe("hold, release or requeue");
  });
});

describe("which actions fit a job's state", () => {
  it("kill a running or pending job (once), hold a queued one, release a held one, requeue or delete a finished one", () => {
    const fitting = (state: string, killRequested = false) => actionsFitting({ state, killRequested });
    expect(fitting("running")).toEqual(["kill"]);
    expect(fitting("running", true)).toEqual([]);
    // Pending in Slurm's queue (the page says "kill it and submit it asking for less"): killable too.
    expect(fitting("pending")).toEqual(["kill"]);
    expect(fitting("pending", true)).toEqual([]);
    expect(fitting("queued")).toEqual(["delete", "hold"]);
    expect(fitting("held")).toEqual(["delete", "release"]);
    expect(fitting("failed")).toEqual(["requeue", "delete"]);
    expect(fitting("deleted")).toEqual([]);
  });
});
