/**
 * The text of an info file from its bytes. Files of the original QM's time were often
 * written in Latin-1: an XML info file may say so (`<?xml version="1.0"
 * encoding="ISO-8859-1"?>`, as Python's parser honoured), a proc_config.cfg cannot. So: the
 * encoding an XML declaration names; else UTF-8 when the bytes are valid UTF-8; else
 * Windows-1252 (Latin-1 and the characters it leaves undefined), which any byte decodes as.
 * Written back (the submit form's values), an info file is UTF-8, and an XML one says so.
 */
import { isXmlInfoFile } from "./job-info";

const DECLARED = /^(\uFEFF?\s*<\?xml\b[^>]*?\bencoding\s*=\s*)(["'])([A-Za-z0-9._-]+)\2/;
const isUtf8 = (label: string) => /^utf-?8$/i.test(label);

/** A decoder for `label` (WHATWG names: iso-8859-1, latin1, windows-1252, ascii...), or null when Node has none. */
function decoderFor(label: string): TextDecoder | null {
  try {
    return new TextDecoder(label);
  } catch {
    return null;
  }
}

// A BOM is kept (the parsers skip it), as Buffer's own UTF-8 decoding keeps it.
const utf8 = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const windows1252 = new TextDecoder("windows-1252");

export function decodeInfoFile(fileName: string, bytes: Uint8Array): string {
  if (isXmlInfoFile(fileName)) {
    // The declaration is ASCII in every encoding it may name (UTF-16 aside, which an info file never is).
    const head = Buffer.from(bytes.subarray(0, 200)).toString("latin1");
    const label = DECLARED.exec(head)?.[3];
    const declared = label && !isUtf8(label) ? decoderFor(label) : null;
    if (declared) return declared.decode(bytes);
  }
  try {
    return utf8.decode(bytes);
  } catch {
    return windows1252.decode(bytes);
  }
}

/** The text to write back as UTF-8: an XML declaration naming another encoding now names UTF-8. */
export function infoFileTextForUtf8(fileName: string, text: string): string {
  if (!isXmlInfoFile(fileName)) return text;
  return text.replace(DECLARED, (whole, start: string, quote: string, label: string) => (isUtf8(label) ? whole : `${start}${quote}UTF-8${quote}`));
}
