import { describe, expect, it } from "vitest";
import { formatDuration } from "./format-duration";

describe("formatDuration", () => {
  it.each([
    [null, "–"],
    [0, "0 s"],
    [0.2, "< 1 s"],
    [42.4, "42 s"],
    [60, "1 min"],
    [200, "3 min 20 s"],
    [5 * 3600 + 7 * 60 + 5, "5 h 07 min"],
    [2 * 86_400 + 3 * 3600 + 59, "2 d 3 h"],
  ])("%s s -> %s", (input, text) => {
    expect(formatDuration(input)).toBe(text);
  });
});
