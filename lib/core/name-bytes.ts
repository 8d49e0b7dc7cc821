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
