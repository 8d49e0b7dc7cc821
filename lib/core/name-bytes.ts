/**
 * File and folder names as bytes. A name need not be UTF-8: one from an older system (QM 0.4
 * ran on Python 2, whose names were bytes) is often Latin-1, "donn\xe9es". Read as a string
 * such a name comes back with U+FFFD in place of those bytes and names nothing.
 */

/** Whether these bytes are UTF-8 (read as a string and written back, they are the same). */
export function isUtf8Bytes(bytes: Buffer): boolean {
  return Buffer.from(bytes.toString("utf8"), "utf8").equals(bytes);
}

/** A name's text: UTF-8 when its bytes are, else their Latin-1 reading (every byte sequence is Latin-1). */
export function nameText(bytes: Buffer): string {
  return isUtf8Bytes(bytes) ? bytes.toString("utf8") : bytes.toString("latin1");
}

/*
 * Paths as text that keeps every byte. A path's text is its UTF-8 reading, each byte that is
 * not part of a UTF-8 character taken as the lone surrogate U+DC80..U+DCFF (U+DC00 + the byte:
 * Python's "surrogateescape", PEP 383). The text of a UTF-8 path is the path itself; no UTF-8
 * name can hold a lone surrogate, so the text gives back the exact bytes (pathBytesOf). The
 * job file routes carry paths in this form, and a URL carries them as percent-encoded bytes.
 */

const ESCAPED = /[\uDC80-\uDCFF]/;

/** The text of a path's bytes (see above). */
export function pathTextOf(bytes: Uint8Array): string {
  const utf8 = new TextDecoder();
  let text = "";
  let run = 0; // start of the current run of whole UTF-8 characters
  let i = 0;
  while (i < bytes.length) {
    const length = utf8CharLength(bytes, i);
    if (length) {
      i += length;
      continue;
    }
    text += utf8.decode(bytes.subarray(run, i)) + String.fromCharCode(0xdc00 + bytes[i]);
    run = ++i;
  }
  return text + utf8.decode(bytes.subarray(run));
}

/**
 * The path's text in a query's raw value (`r%E9sultat.csv`): its bytes percent-decoded (and
 * `+` a space, as in a form), read by pathTextOf. URLSearchParams would read `%E9` as U+FFFD.
 */
export function pathTextOfQueryValue(raw: string): string {
  const bytes: number[] = [];
  const utf8 = new TextEncoder();
  for (let i = 0; i < raw.length; i++) {
    const hex = raw[i] === "%" ? raw.slice(i + 1, i + 3) : "";
    if (/^[0-9a-fA-F]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else bytes.push(...utf8.encode(raw[i] === "+" ? " " : raw[i]));
  }
  return pathTextOf(Uint8Array.from(bytes));
}

/** The path's text of `key` in a query string (`?file=r%E9sultat.csv&x=1`), read by pathTextOfQueryValue; null when absent; the last when repeated, as URLSearchParams read into an object. */
export function pathParam(search: string, key: string): string | null {
  let value: string | null = null;
  for (const pair of search.replace(/^\?/, "").split("&")) {
    const at = pair.indexOf("=");
    const name = at < 0 ? pair : pair.slice(0, at);
    if (name === key) value = pathTextOfQueryValue(at < 0 ? "" : pair.slice(at + 1));
  }
  return value;
}

/** The bytes of a path's text (pathTextOf read back). */
export function pathBytesOf(text: string): Buffer {
  if (!ESCAPED.test(text)) return Buffer.from(text, "utf8");
  const parts: Buffer[] = [];
  for (const char of text) {
    const code = char.codePointAt(0)!;
    parts.push(code >= 0xdc80 && code <= 0xdcff ? Buffer.of(code - 0xdc00) : Buffer.from(char, "utf8"));
  }
  return Buffer.concat(parts);
}

/** A path's text as fs takes it: the text itself when it is UTF-8, else its bytes. */
export const fsPathOf = (text: string): string | Buffer => (ESCAPED.test(text) ? pathBytesOf(text) : text);

/** A path's text for people (messages, a download's name): each byte that is not UTF-8 as its Latin-1 character. */
export const shownPath = (text: string): string => text.replace(/[\uDC80-\uDCFF]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xdc00));

/** The length of the well-formed UTF-8 character at `i` (1-4), or 0 when the byte there starts none. */
function utf8CharLength(bytes: Uint8Array, i: number): number {
  const b = bytes[i];
  if (b < 0x80) return 1;
  const length = b >= 0xc2 && b <= 0xdf ? 2 : b >= 0xe0 && b <= 0xef ? 3 : b >= 0xf0 && b <= 0xf4 ? 4 : 0;
  if (!length || i + length > bytes.length) return 0;
  for (let k = 1; k < length; k++) if ((bytes[i + k] & 0xc0) !== 0x80) return 0;
  // Overlong forms, surrogates and code points past U+10FFFF are not UTF-8 either.
  const second = bytes[i + 1];
  if (b === 0xe0 && second < 0xa0) return 0;
  if (b === 0xed && second > 0x9f) return 0;
  if (b === 0xf0 && second < 0x90) return 0;
  if (b === 0xf4 && second > 0x8f) return 0;
  return length;
}
