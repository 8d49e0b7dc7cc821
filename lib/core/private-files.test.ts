import { describe, expect, it } from "vitest";
import { isPrivateMode, modeText, privatePhrase } from "./private-files";

describe("what a job keeps from others", () => {
  it("a file others may not read is private; one they may read is not, whatever else its mode says", () => {
    for (const mode of [0o600, 0o640, 0o700, 0o750, 0o000, 0o100600, 0o4750]) expect(isPrivateMode(mode, false), modeText(mode)).toBe(true);
    for (const mode of [0o644, 0o604, 0o755, 0o444, 0o100644, 0o004]) expect(isPrivateMode(mode, false), modeText(mode)).toBe(false);
  });

  it("a folder others may not both read and enter is private", () => {
    for (const mode of [0o700, 0o750, 0o704, 0o711, 0o040700]) expect(isPrivateMode(mode, true), modeText(mode)).toBe(true);
    for (const mode of [0o755, 0o705, 0o040755, 0o1777]) expect(isPrivateMode(mode, true), modeText(mode)).toBe(false);
  });

  it("says why, naming the mode, and the folder when the entry lies in a private one", () => {
    expect(privatePhrase({ folder: null, mode: 0o100600 })).toBe("is private to the job's owner (mode 0600); ask them or an administrator");
    expect(privatePhrase({ folder: "out/keep", mode: 0o040700 })).toBe(`is private to the job's owner (it is in the folder "out/keep", mode 0700); ask them or an administrator`);
  });
});
