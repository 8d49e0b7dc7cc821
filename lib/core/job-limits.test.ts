import { describe, expect, it } from "vitest";
import { parseMem, parseWalltime } from "./job-limits";

describe("parseWalltime (Slurm's --time forms)", () => {
  it.each([
    ["90", 90 * 60],
    ["5:30", 5 * 60 + 30],
    ["1:30:00", 5400],
    ["01:00:05", 3605],
    ["2-00:00:00", 2 * 86_400],
    ["1-12", 86_400 + 12 * 3600],
    ["1-02:30", 86_400 + 2 * 3600 + 30 * 60],
    [" 10 ", 600],
  ])("%s -> %i s", (text, seconds) => {
    expect(parseWalltime(text)).toEqual({ seconds });
  });

  it.each([
    ["1h", /walltime must be MM, MM:SS, HH:MM:SS/],
    ["1:2:3:4", /walltime must be MM/],
    ["-5", /walltime must be MM/],
    ["0", /longer than 0/],
    ["0:00:00", /longer than 0/],
    ["400-00:00:00", /at most 366 days/],
    ["", /walltime must be/],
  ])("%s is refused with a message that says what to write", (text, message) => {
    const result = parseWalltime(text);
    expect("error" in result && result.error).toMatch(message);
  });
});

describe("parseMem (Slurm's --mem forms)", () => {
  it.each([
    ["512M", 512],
    ["4G", 4096],
    ["4g", 4096],
    ["4GB", 4096],
    ["4GiB", 4096],
    ["1.5G", 1536],
    ["1T", 1024 * 1024],
    ["2048", 2048],
    ["800K", 1],
    ["1025K", 2],
  ])("%s -> %i MiB", (text, mb) => {
    expect(parseMem(text)).toEqual({ mb });
  });

  it.each([
    ["4 gigs", /mem must be a size such as 512M/],
    ["-1G", /mem must be a size/],
    ["0", /more than 0/],
    ["0G", /more than 0/],
    ["5000T", /at most 1024T/],
    ["G", /mem must be a size/],
  ])("%s is refused", (text, message) => {
    const result = parseMem(text);
    expect("error" in result && result.error).toMatch(message);
  });
});
