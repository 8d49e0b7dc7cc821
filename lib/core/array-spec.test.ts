import { describe, expect, it } from "vitest";
import { MAX_ARRAY_ELEMENTS, elementName, parseArraySpec } from "./array-spec";

describe("parseArraySpec", () => {
  it("reads ranges, steps, lists and the %N limit as Slurm does", () => {
    expect(parseArraySpec("1-5")).toEqual({ spec: "1-5", indices: [1, 2, 3, 4, 5], maxRunning: null });
    expect(parseArraySpec("1-10:3").indices).toEqual([1, 4, 7, 10]);
    expect(parseArraySpec("9, 1,5").indices).toEqual([1, 5, 9]);
    expect(parseArraySpec("0-3,10-20:5%2")).toEqual({ spec: "0-3,10-20:5%2", indices: [0, 1, 2, 3, 10, 15, 20], maxRunning: 2 });
    expect(parseArraySpec("1-3,2-4").indices).toEqual([1, 2, 3, 4]);
  });

  it("says what is wrong and how to write it", () => {
    expect(() => parseArraySpec("")).toThrow(/it is empty; write it as "1-100"/);
    expect(() => parseArraySpec("5-1")).toThrow(/the range 5-1 runs backwards/);
    expect(() => parseArraySpec("1-9:0")).toThrow(/the step of 1-9:0 must be 1 or more/);
    expect(() => parseArraySpec("a-b")).toThrow(/"a-b" is not a whole number/);
    expect(() => parseArraySpec("1-4%0")).toThrow(/limit after % must be a whole number of 1 or more/);
    expect(() => parseArraySpec("1-4%2%3")).toThrow(/more than one %/);
    expect(() => parseArraySpec("1,,2")).toThrow(/empty item/);
    // qm submit --array %3 said "it has an empty item between commas".
    expect(() => parseArraySpec("%3")).toThrow(/array = %3: it has no indices before the %; write it as/);
    expect(() => parseArraySpec(`1-${MAX_ARRAY_ELEMENTS + 1}`)).toThrow(`more than ${MAX_ARRAY_ELEMENTS} jobs`);
    expect(() => parseArraySpec("1-99999999999")).toThrow(/larger than/);
  });

  it("names elements so that they sort in index order", () => {
    expect(elementName("sweep", 7, 20)).toBe("sweep_07");
    expect(elementName("sweep", 100, 100)).toBe("sweep_100");
  });
});
