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

describe("queue fields", () => {
  it("hold, after_ok, after_any and array become info-file keys", () => {
    expect(parseSubmitFields({ hold: "on", after_ok: "12, 13", after_any: "array:3", array: "1-20%2" })).toMatchObject({
      hold: "yes", after_ok: "12, 13", after_any: "array:3", array: "1-20%2",
    });
    expect(parseSubmitFields({ hold: "no" }).hold).toBe("no");
    expect(parseSubmitFields({ hold: "" }).hold).toBeUndefined();
  });

  it("names the bad queue field with the parser's own message", () => {
    try {
      parseSubmitFields({ hold: "perhaps", after_ok: "twelve", array: "5-1" });
      expect.unreachable();
    } catch (error) {
      expect((error as { details: Record<string, string> }).details).toEqual({
        hold: "hold must be yes or no",
        after_ok: expect.stringMatching(/^after_ok must list job ids separated by commas/),
        array: expect.stringMatching(/^array = 5-1: the range 5-1 runs backwards/),
      });
    }
  });
});
