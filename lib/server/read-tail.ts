/** The end of a file, for progress lines, mails and crash recovery. */
import fs from "node:fs";

/** Last `bytes` of a file as text ("" when missing or unreadable). */
export function readTail(file: string, bytes = 4096): string {
  return readTailBytes(file, bytes).toString("utf8");
}

/** Last `bytes` of a file (empty when missing or unreadable). */
export function readTailBytes(file: string, bytes = 4096): Buffer {
  let fd: number | undefined;
  try {
    fd = fs.openSync(file, fs.constants.O_RDONLY | fs.constants.O_NOFOLLOW | fs.constants.O_NONBLOCK);
    const stat = fs.fstatSync(fd);
    if (!stat.isFile()) return Buffer.alloc(0);
    const length = Math.min(bytes, stat.size);
    const buffer = Buffer.alloc(length);
    const read = fs.readSync(fd, buffer, 0, length, stat.size - length);
    return buffer.subarray(0, read);
  } catch {
    return Buffer.alloc(0);
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
