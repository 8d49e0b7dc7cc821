import { describe, expect, it } from "vitest";
import { formatBytes, formatDuration } from "./format";

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

describe("formatDuration (milliseconds)", () => {
  it.each([
    [null, "—"],
    [undefined, "—"],
    [Number.NaN, "—"],
    [-5 * SECOND, "—"],
    [0, "0 s"],
    [200, "< 1 s"],
    [9_400, "9 s"],
    [42_400, "42 s"],
    [MINUTE, "1 min"],
    [65 * SECOND, "1 min 5 s"],
    [99 * SECOND, "1 min 39 s"],
    [200 * SECOND, "3 min 20 s"],
    [3 * HOUR + 5 * MINUTE, "3 h 05 min"],
    [5 * HOUR + 7 * MINUTE + 5 * SECOND, "5 h 07 min"],
    [50 * HOUR, "2 d 2 h"],
    [2 * DAY + 3 * HOUR + 59 * SECOND, "2 d 3 h"],
  ])("%s ms -> %s", (ms, text) => {
    expect(formatDuration(ms)).toBe(text);
  });
});

describe("formatBytes", () => {
  it.each([
    [0, "0 B"],
    [125, "125 B"],
    [1023, "1023 B"],
    [1024, "1 KB"],
    [1536, "1.5 KB"],
    [1024 * 1024 - 1, "1 MB"],
    [1024 * 1024, "1 MB"],
    [10 * 1024 * 1024, "10 MB"],
    [640.4 * 1024 * 1024, "640 MB"],
    [2048 * 1024 * 1024, "2 GB"],
    [5 * 1024 ** 3, "5 GB"],
    [-1, "—"],
  ])("%s bytes -> %s", (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });
});
