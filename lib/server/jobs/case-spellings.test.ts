import { describe, expect, it } from "vitest";
import { caseSpellings } from "./find-jobs";

describe("caseSpellings", () => {
  it("spells each letter outside ASCII both ways and leaves ASCII to the database", () => {
    expect(caseSpellings("fit_2")).toEqual(["fit_2"]);
    expect(caseSpellings("étude").sort()).toEqual(["Étude", "étude"]);
    const spellings = ["Ç", "ç"].flatMap((c) => ["É", "é"].flatMap((e) => ["Ç", "ç"].map((c2) => `${c}a d${e}${c2}oit`)));
    expect(caseSpellings("Ça déçoit").sort()).toEqual(spellings.sort());
  });

  it("past 4 such letters tries only the text as typed, all lower and all upper case", () => {
    expect(caseSpellings("éèêëà")).toEqual(["éèêëà", "ÉÈÊËÀ"]);
  });
});
