import { describe, expect, it } from "vitest";
import { cannotOpenDatabase, redactDatabaseUrl } from "./database-url";

describe("DATABASE_URL in messages", () => {
  it("hides the whole password, even one holding an unencoded @", () => {
    expect(redactDatabaseUrl("postgresql://qm:secret@db:5432/qm")).toBe("postgresql://qm:***@db:5432/qm");
    expect(redactDatabaseUrl("postgresql://qm:p@ss/w@db:5432/qm")).toBe("postgresql://qm:***@db:5432/qm");
    expect(redactDatabaseUrl("file:/var/lib/queuemanager/qm.db")).toBe("file:/var/lib/queuemanager/qm.db");
  });

  it("names the database that cannot be opened, and says to percent-encode a password that needs it", () => {
    const bad = cannotOpenDatabase("postgresql://qm:p@ss/w@db:5432/qm", new Error("getaddrinfo ENOTFOUND ss"));
    expect(bad).toBe(
      "cannot open the database postgresql://qm:***@db:5432/qm (DATABASE_URL): getaddrinfo ENOTFOUND ss; the password (or user name) holds @, /, ? or #, which end it early in a URL: write them percent-encoded (@ as %40, / as %2F, ? as %3F, # as %23, and % itself as %25)",
    );
    expect(bad).not.toContain("ss/w");
    expect(cannotOpenDatabase("postgresql://qm:secret@db:5499/qm", new Error("connect ECONNREFUSED 127.0.0.1:5499"))).toBe(
      "cannot open the database postgresql://qm:***@db:5499/qm (DATABASE_URL): connect ECONNREFUSED 127.0.0.1:5499",
    );
  });
});
