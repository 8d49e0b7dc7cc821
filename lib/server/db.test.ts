import { describe, expect, it, vi } from "vitest";

describe("dialectOf", () => {
  it("knows a PostgreSQL client made by another copy of the module, as each Next route's bundle has its own", async () => {
    const first = await import("./db");
    vi.resetModules();
    const second = await import("./db");
    expect(second).not.toBe(first);
    // The pg adapter connects at the first query only: nothing is opened here.
    const db = first.createDb("postgresql://qm:secret@127.0.0.1:1/qm");
    expect(second.dialectOf(db)).toBe("postgresql");
    expect(first.dialectOf(first.createDb("file:/nonexistent/qm.db"))).toBe("sqlite");
  });
});
