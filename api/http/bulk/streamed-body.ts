import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Context } from 'koa';
import { limitedBody } from '../limited-body.js';

/** What a streamed body's reader consumed: how many bytes, and their SHA-256. */
export interface BodyDigest {
  readonly bytes: number;
  readonly sha256: string;
}

/** A request body read as a stream, size-bounded, hashed as it passes. */
export interface StreamedBody {
  readonly stream: Readable;
  /** The bytes that have passed so far (all of them once the stream ended). */
  digest(): BodyDigest;
  /** True once every byte of the body was read. */
  readonly ended: boolean;
}

interface StreamedState {
  streamedBody?: StreamedBody;
}

/**
 * The request body of a streamed route (bulk intake) as a hashed, bounded
 * stream, opened once per request: the idempotency check and the route read
 * the same one. Over `maxBytes` the stream fails with a 413.
 */
export function streamedBody(ctx: Context, maxBytes: number): StreamedBody {
  const state = ctx.state as StreamedState;
  if (state.streamedBody) return state.streamedBody;
  const hash = createHash('sha256');
  let bytes = 0;
  let ended = false;
  const hashing = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      hash.update(chunk);
      bytes += chunk.length;
      done(null, chunk);
    },
    flush(done) {
      ended = true;
      done();
    },
  });
  const source = limitedBody(ctx.req, maxBytes);
  source.on('error', (error) => hashing.destroy(error));
  source.pipe(hashing);
  const body: StreamedBody = {
    stream: hashing,
    digest: () => ({ bytes, sha256: hash.copy().digest('hex') }),
    get ended() {
      return ended;
    },
  };
  state.streamedBody = body;
  return body;
}

/**
 * The digest of the first `bytes` bytes of a body (a replayed request is
 * compared with the part of the first one that was read), reading no further.
 */
export async function digestPrefix(stream: Readable, bytes: number): Promise<BodyDigest> {
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const part = chunk.subarray(0, Math.max(0, bytes - read));
    hash.update(part);
    read += part.length;
    if (read >= bytes) break;
  }
  return { bytes: read, sha256: hash.digest('hex') };
}
