/**
 * Largest expansion factor an uploaded zip's entry (and the whole zip) may have once past
 * its first 10 MB (lib/server/zip/zip-limits.ts: a zip bomb is refused). `qm submit` stores
 * an entry uncompressed rather than cross it (cli/zip-folder.ts): 30 MB of zeros in a data
 * file is data, not an attack, and was refused.
 */
export const MAX_ZIP_RATIO = 200;
