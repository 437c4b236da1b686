// Streams of known length, as workerd has them. R2 put() accepts a ReadableStream only
// when its length is known: a request body that arrived with a Content-Length, or the
// readable side of a FixedLengthStream. Node's streams carry no length, so the host
// records it here for the streams it creates.

/** ReadableStream -> its length in bytes, for streams whose length is known. */
export const knownLength = new WeakMap();

/** The TypeError workerd throws when R2 is given a stream of unknown length. */
export const UNKNOWN_LENGTH_MESSAGE =
  "Provided readable stream must have a known length (request/response body or " +
  "readable half of FixedLengthStream)";

/**
 * A TransformStream whose readable side has a declared length: writing more bytes than
 * declared, or closing after fewer, errors the stream, as workerd's does.
 */
export class FixedLengthStream extends TransformStream {
  constructor(expectedLength) {
    const expected = Number(expectedLength);
    if (!Number.isSafeInteger(expected) || expected < 0) {
      throw new TypeError("FixedLengthStream requires a non-negative integer length");
    }
    let seen = 0;
    super({
      transform(chunk, controller) {
        seen += chunk.byteLength;
        if (seen > expected) {
          throw new TypeError("Attempt to write too many bytes through a FixedLengthStream.");
        }
        controller.enqueue(chunk);
      },
      flush() {
        if (seen !== expected) {
          throw new TypeError("FixedLengthStream did not see all expected bytes before close().");
        }
      },
    });
    knownLength.set(this.readable, expected);
  }
}

/**
 * A web ReadableStream over a Node readable that pulls one chunk at a time, so a slow
 * consumer (R2) holds back the socket instead of letting the body pile up in memory.
 */
export function pullStream(nodeReadable, length) {
  const chunks = nodeReadable[Symbol.asyncIterator]();
  let draining = false;
  const stream = new ReadableStream(
    {
      async pull(controller) {
        if (draining) return;
        const { value, done } = await chunks.next();
        if (done) controller.close();
        else controller.enqueue(new Uint8Array(value.buffer, value.byteOffset, value.byteLength));
      },
      async cancel(reason) {
        await chunks.return?.(reason);
      },
    },
    { highWaterMark: 0 },
  );
  if (length !== undefined) knownLength.set(stream, length);
  unreadDrains.set(stream, async () => {
    draining = true;
    try {
      for await (const _ of chunks);
    } catch {
      // The client went away: there is nothing left to drain.
    }
  });
  return stream;
}

const unreadDrains = new WeakMap();

/**
 * Read and discard what the worker left unread of a request body, so the client can
 * finish sending and then read the answer. A worker that refuses an upload after
 * reading only its first bytes would otherwise see its client's connection reset,
 * where Cloudflare's edge delivers the refusal.
 */
export function drainUnread(stream) {
  return unreadDrains.get(stream)?.();
}
