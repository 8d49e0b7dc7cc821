/**
 * The bytes of an open job file as a stream, bounded by what fstat said when it was
 * opened: a file the job makes grow is read no further (the response keeps its
 * Content-Length and the cost stays what was judged), and a file it shrinks makes the
 * stream fail (the download is cut off at once instead of waiting for bytes that never
 * come). process.log can pass through the command-line filter.
 */
import type { FileHandle } from "node:fs/promises";
import { Readable, Transform, pipeline } from "node:stream";
import { createDetailsFilter } from "../../core/command-line-filter";

const CHUNK = 64 * 1024;

async function* chunksOf(handle: FileHandle, size: number, closeAtEnd: boolean): AsyncGenerator<Buffer> {
  try {
    let position = 0;
    while (position < size) {
      const length = Math.min(CHUNK, size - position);
      const { bytesRead, buffer } = await handle.read(Buffer.allocUnsafe(length), 0, length, position);
      if (bytesRead === 0) throw new Error(`the file shrank while it was read (${position} of ${size} bytes)`);
      position += bytesRead;
      yield buffer.subarray(0, bytesRead);
    }
  } finally {
    // FileHandle.close waits for a read in flight, so the descriptor is never reused under it.
    if (closeAtEnd) await handle.close();
  }
}

/**
 * The first `size` bytes of `handle`. `closeAtEnd`: the stream owns the handle and
 * closes it when it ends or is destroyed.
 */
export function fileBody(handle: FileHandle, size: number, closeAtEnd: boolean): Readable {
  return Readable.from(chunksOf(handle, size, closeAtEnd), { objectMode: false });
}

/** process.log without its `=== command:` and `=== runs as` lines (Display_details off, not the admin). */
export function withoutCommandLines(): Transform {
  const filter = createDetailsFilter();
  return new Transform({
    transform(chunk: Buffer, _encoding, done) {
      done(null, filter.push(chunk));
    },
    flush(done) {
      done(null, filter.end());
    },
  });
}

/** The readable body of an opened job file, filtered when `hideCommand`. */
export function jobFileBody(opened: { handle: FileHandle; stat: { size: number }; hideCommand: boolean }, closeAtEnd: boolean): Readable {
  const body = fileBody(opened.handle, opened.stat.size, closeAtEnd);
  if (!opened.hideCommand) return body;
  // pipeline destroys both on an error or when the reader stops; the reader sees the error.
  return pipeline(body, withoutCommandLines(), () => undefined);
}
