import { describe, expect, it } from "vitest";
import { parseRunAs, runAsAccountFor, runAsKeys } from "./run-as";

describe("runAsKeys", () => {
  it("names an account's job by its user name and the e-mail the administrator set, not by the job's e_mail", () => {
    expect(runAsKeys({ source: "upload", owner: "bob@lab.org", accountName: "ann", accountEmail: "ann@lab.org" })).toEqual(["ann", "ann@lab.org"]);
    expect(runAsKeys({ source: "api", owner: "bob@lab.org", accountName: "ann", accountEmail: null })).toEqual(["ann"]);
  });

  it("names a folder dropped into QM_qJobs by its e_mail, as QM 0.4 did", () => {
    expect(runAsKeys({ source: "folder", owner: " ann@lab.org ", accountName: null, accountEmail: null })).toEqual(["ann@lab.org"]);
    expect(runAsKeys({ source: "folder", owner: null, accountName: null, accountEmail: null })).toEqual([]);
  });

  it("gives nothing to match for a web submission without an account, whatever e_mail it claims", () => {
    expect(runAsKeys({ source: "upload", owner: "ann@lab.org", accountName: null, accountEmail: null })).toEqual([]);
    expect(runAsKeys({ source: "api", owner: "ann@lab.org", accountName: null, accountEmail: null })).toEqual([]);
  });
});

describe("runAsAccountFor", () => {
  const runAs = parseRunAs("ann=ann, Bob@Lab.org=bob2");

  it("matches a user name as written: account ANN is another person than ann", () => {
    expect(runAsAccountFor(runAs, ["ann"])).toEqual({ owner: "ann", account: "ann" });
    expect(runAsAccountFor(runAs, ["ANN", "x@lab.org"])).toBeNull();
    expect(runAsAccountFor(runAs, ["Ann"])).toBeNull();
  });

  it("matches an e-mail whatever its case, as a folder job's e_mail finds its account", () => {
    expect(runAsAccountFor(runAs, ["bob@lab.org"])).toEqual({ owner: "bob@lab.org", account: "bob2" });
    expect(runAsAccountFor(runAs, ["someone", " BOB@LAB.ORG "])).toEqual({ owner: " BOB@LAB.ORG ", account: "bob2" });
  });
});
