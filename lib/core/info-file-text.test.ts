import { describe, expect, it } from "vitest";
import { decodeInfoFile, infoFileTextForUtf8 } from "./info-file-text";

const latin1 = (text: string) => Buffer.from(text, "latin1");

describe("decodeInfoFile", () => {
  it("reads an XML info file in the encoding its declaration names", () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<PARAMETER><info value="café à 20°C"/></PARAMETER>\n`;
    expect(decodeInfoFile("infos.xml", latin1(xml))).toBe(xml);
    expect(decodeInfoFile("infos.XML", latin1(xml.replace('"ISO-8859-1"', "'latin1'")))).toContain("café à 20°C");
  });

  it("reads UTF-8 as UTF-8, and bytes that are not UTF-8 as Latin-1 (a proc_config.cfg cannot say)", () => {
    const cfg = "[QMOptions]\nscript = sh run.sh\ninfo = spectre de l'échantillon\n";
    expect(decodeInfoFile("proc_config.cfg", Buffer.from(cfg, "utf8"))).toBe(cfg);
    expect(decodeInfoFile("proc_config.cfg", latin1(cfg))).toBe(cfg);
    // A declaration of UTF-8 over Latin-1 bytes: the bytes win, nothing turns into U+FFFD.
    expect(decodeInfoFile("infos.xml", latin1(`<?xml version="1.0" encoding="UTF-8"?><PARAMETER><info value="été"/></PARAMETER>`))).toContain("été");
    // A byte-order mark stays for the parsers, which skip it.
    expect(decodeInfoFile("proc_config.cfg", Buffer.from(`\uFEFF${cfg}`, "utf8"))).toBe(`\uFEFF${cfg}`);
  });

  it("falls back when a declaration names an encoding Node does not know", () => {
    expect(decodeInfoFile("infos.xml", Buffer.from(`<?xml version="1.0" encoding="x-unknown"?><PARAMETER/>`, "utf8"))).toContain("<PARAMETER/>");
  });
});

describe("infoFileTextForUtf8", () => {
  it("makes an XML declaration name UTF-8, and leaves everything else alone", () => {
    expect(infoFileTextForUtf8("infos.xml", `<?xml version="1.0" encoding="ISO-8859-1"?>\n<PARAMETER/>`)).toBe(`<?xml version="1.0" encoding="UTF-8"?>\n<PARAMETER/>`);
    expect(infoFileTextForUtf8("infos.xml", `<?xml version='1.0' encoding='utf-8'?><PARAMETER/>`)).toBe(`<?xml version='1.0' encoding='utf-8'?><PARAMETER/>`);
    expect(infoFileTextForUtf8("infos.xml", "<PARAMETER/>")).toBe("<PARAMETER/>");
    expect(infoFileTextForUtf8("proc_config.cfg", "# encoding=latin1\n")).toBe("# encoding=latin1\n");
  });
});
