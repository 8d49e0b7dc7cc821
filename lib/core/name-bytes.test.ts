import { describe, expect, it } from "vitest";
import { fsPathOf, pathBytesOf, pathParam, pathTextOf, shownPath } from "./name-bytes";

describe("paths as text that keeps every byte", () => {
  it("leaves a UTF-8 path as it is", () => {
    for (const text of ["results/table.csv", "données/été.txt", "日本/図.png", "emoji 🧪.txt", ""]) {
      expect(pathTextOf(Buffer.from(text))).toBe(text);
      expect(fsPathOf(text)).toBe(text);
    }
  });

  it("gives back the exact bytes of a name that is not UTF-8 (Latin-1, cut characters, encoded surrogates, overlong forms)", () => {
    const names = [
      Buffer.from("r\xe9sultat.csv", "latin1"),
      Buffer.concat([Buffer.from("été-"), Buffer.of(0xe9), Buffer.from("/x")]),
      Buffer.of(0xe2, 0x82), // a character cut short
      Buffer.of(0xed, 0xb3, 0xa9), // a surrogate written as UTF-8
      Buffer.of(0xc0, 0xaf), // an overlong "/"
      Buffer.of(0xf4, 0x90, 0x80, 0x80), // past U+10FFFF
      Buffer.from(Array.from({ length: 256 }, (_, b) => b).filter((b) => b !== 0)),
    ];
    for (const bytes of names) {
      const text = pathTextOf(bytes);
      expect(pathBytesOf(text).equals(bytes)).toBe(true);
      expect(Buffer.isBuffer(fsPathOf(text))).toBe(true);
    }
    expect(pathTextOf(Buffer.from("r\xe9sultat.csv", "latin1"))).toBe("r\udce9sultat.csv");
    expect(pathTextOf(Buffer.of(0xc0, 0xaf))).not.toContain("/"); // an overlong slash never splits a path
  });

  it("shows each byte that is not UTF-8 as its Latin-1 character", () => {
    expect(shownPath(pathTextOf(Buffer.concat([Buffer.from("été/r"), Buffer.of(0xe9), Buffer.from("sultat.csv")])))).toBe("été/résultat.csv");
  });

  it("reads a path from a query byte for byte, where URLSearchParams reads U+FFFD", () => {
    expect(pathBytesOf(pathParam("?path=out%2Fr%E9sultat.csv&download=1", "path")!).equals(Buffer.from("out/r\xe9sultat.csv", "latin1"))).toBe(true);
    expect(pathParam("path=donn%C3%A9es/a+b.txt", "path")).toBe("données/a b.txt");
    expect(pathParam("path=100%&x=1", "path")).toBe("100%"); // a lone % stays itself
    expect(pathParam("path=a&path=b", "path")).toBe("b");
    expect(pathParam("x=1", "path")).toBeNull();
  });
});
