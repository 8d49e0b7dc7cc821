import { expect, it } from "vitest";
import { argumentsWithTheirBytes } from "./argument-bytes";

const cmdline = (...entries: (string | Buffer)[]) => Buffer.concat(entries.flatMap((e) => [Buffer.from(e), Buffer.of(0)]));
const latin1 = Buffer.from("r\xe9sultat.txt", "latin1");

it("gives an argument Node read with U+FFFD the text of its bytes, and leaves the others as they are", () => {
  const args = ["cat", "5", latin1.toString("utf8")];
  expect(args[2]).toBe("r\uFFFDsultat.txt");
  expect(argumentsWithTheirBytes(args, cmdline("node", "--import", "tsx", "cli/main.ts", "cat", "5", latin1))).toEqual(["cat", "5", "r\uDCE9sultat.txt"]);
  // A real U+FFFD, written as UTF-8, stays one.
  expect(argumentsWithTheirBytes(["x\uFFFD"], cmdline("node", "qm.mjs", "x\uFFFD"))).toEqual(["x\uFFFD"]);
});

it("keeps the arguments as Node read them when the command line is not theirs or cannot be read", () => {
  const args = ["cat", "5", latin1.toString("utf8")];
  expect(argumentsWithTheirBytes(args, null)).toBe(args);
  expect(argumentsWithTheirBytes(args, cmdline("5", latin1))).toBe(args); // shorter
  expect(argumentsWithTheirBytes(args, cmdline("node", "qm.mjs", "show", "5", latin1))).toBe(args); // another command
});
