/**
 * A Node stream as a Response body, pulled chunk by chunk (backpressure: nothing is read
 * ahead of the client), and destroyed when the response is cancelled (the client went
 * away). Readable.toWeb, with the stream also destroyed on the request's abort, made
 * the two ends close the same controller: an uncaught "Controller is already closed" in
 * the web server for every download cut short (the table viewer cuts every large CSV).
 */
import type { Readable } from "node:stream";

export function responseBody(stream: Readable): ReadableStream<Uint8Array> {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { value, done } = await chunks.next();
          if (done) controller.close();
          else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
        } catch (error) {
          controller.error(error);
        }
      },
      cancel() {
        stream.destroy();
      },
    },
    { highWaterMark: 0 },
  );
}
