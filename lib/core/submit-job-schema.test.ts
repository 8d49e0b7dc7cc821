import { describe, expect, it } from "vitest";
import { parseSubmitFields } from "./submit-job-schema";

describe("parseSubmitFields", () => {
  it("turns filled fields into overrides and drops empty ones", () => {
    expect(parseSubmitFields({ e_mail: " me@lab.org ", info: "", nb_proc: "4", priority: "-2" })).toEqual({
      e_mail: "me@lab.org",
      info: undefined,
      nb_proc: 4,
      priority: -2,
    });
    expect(parseSubmitFields({})).toEqual({});
  });

  it("names each bad field", () => {
    try {
      parseSubmitFields({ e_mail: "nobody", nb_proc: "two", priority: "5000" });
      expect.unreachable();
    } catch (error) {
      expect((error as { code: string }).code).toBe("INVALID_INPUT");
      expect((error as { details: Record<string, string> }).details).toEqual({
        e_mail: "e_mail must be an address such as name@lab.org",
        nb_proc: "nb_proc must be a whole number",
        priority: "priority must be between -1000 and 1000",
      });
    }
  });

  it("refuses nb_proc 0", () => {
    expect(() => parseSubmitFields({ nb_proc: "0" })).toThrow(/nb_proc must be between 1 and 4096/);
  });
});
