import { describe, expect, it } from "vitest";
import { safeNext } from "./safe-next";

describe("safeNext", () => {
  it("keeps a path of this site, with its query and fragment", () => {
    expect(safeNext("/jobs/12")).toBe("/jobs/12");
    expect(safeNext("/compare?ids=1,2#runs")).toBe("/compare?ids=1,2#runs");
    expect(safeNext("/%2F%2Fevil.example")).toBe("/%2F%2Fevil.example");
  });

  it("never leads to another site, however the link is spelled", () => {
    // Before, "/\t/evil.example" passed (it starts with one slash) and a real browser,
    // dropping the tab, went to http://evil.example/ after the login.
    for (const next of ["/\t/evil.example", "/\n/evil.example", "/\r\n/evil.example", "//evil.example", "/\\evil.example", "/\t\\evil.example", "https://evil.example", "javascript:alert(1)", "evil.example", "", null]) {
      expect(safeNext(next), JSON.stringify(next)).toBe("/");
    }
  });
});
