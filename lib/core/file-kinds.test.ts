import { describe, expect, it } from "vitest";
import { fileKindOf, inlineMediaType, isTextFileName } from "./file-kinds";

describe("file kinds", () => {
  it("pick a viewer from the extension, any case, in subfolders", () => {
    expect(fileKindOf("plots/Fit.PNG")).toBe("image");
    expect(fileKindOf("a.svg")).toBe("svg");
    expect(fileKindOf("report.pdf")).toBe("pdf");
    expect(fileKindOf("table.tsv")).toBe("table");
    expect(fileKindOf("x.json")).toBe("json");
    expect(fileKindOf("process.log")).toBe("text");
    expect(fileKindOf("page.HTML")).toBe("active");
    expect(fileKindOf("app.mjs")).toBe("active");
    expect(fileKindOf("data.bin")).toBe("other");
    expect(fileKindOf(".png")).toBe("other"); // a dot file, not an extension
    expect(fileKindOf("dir.png/README")).toBe("other");
  });

  it("serve text as text/plain, pictures and PDF with their type, and never HTML or scripts", () => {
    expect(inlineMediaType("a.csv")).toBe("text/plain; charset=utf-8");
    expect(inlineMediaType("a.jpeg")).toBe("image/jpeg");
    expect(inlineMediaType("a.svg")).toBe("image/svg+xml");
    expect(inlineMediaType("a.pdf")).toBe("application/pdf");
    for (const name of ["a.html", "a.htm", "a.js", "a.xhtml", "a.bin", "Makefile"]) expect(inlineMediaType(name)).toBeNull();
    expect(isTextFileName("a.html")).toBe(false);
    expect(isTextFileName("b.json")).toBe(true);
  });
});
