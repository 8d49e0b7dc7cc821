import { describe, expect, it } from "vitest";
import { allowedOwners } from "./servable-file";

const self = process.getuid?.() ?? 0;

describe("allowedOwners", () => {
  it("serves the files of QueueManager and of the job folder's owner", () => {
    expect(allowedOwners(1234, null).sort()).toEqual([...new Set([self, 1234])].sort());
  });

  it("adds the run's own uid and root, the worker that ran it and wrote its process.log", () => {
    expect(allowedOwners(1234, JSON.stringify({ pid: 7, uid: 64600 }))).toEqual(expect.arrayContaining([1234, 64600, 0]));
  });

  it("adds nothing for a run info without a uid, or unreadable", () => {
    expect(allowedOwners(1234, JSON.stringify({ pid: 7 }))).not.toContain(64600);
    expect(allowedOwners(1234, "{not json").sort()).toEqual([...new Set([self, 1234])].sort());
  });
});
