import { createHash } from 'node:crypto';
import { Transform, type Readable } from 'node:stream';
import type { Context } from 'koa';
import { limitedBody } from '../limited-body.js';

/** What a streamed body's reader consumed: how many bytes, and their SHA-256. */
export interface BodyDigest {
  readonly bytes: number;
  readonly sha256: string;
  /** Whether those bytes are the whole body (false: the reader stopped before its end). */
  readonly whole: boolean;
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
    digest: () => ({ bytes, sha256: hash.copy().digest('hex'), whole: ended }),
    get ended() {
      return ended;
    },
  };
  state.streamedBody = body;
  return body;
}

/**
 * The digest a replayed request is compared by: of its first `bytes` bytes
 * when the first request was read only that far (reading no further), or of
 * its whole body when the first one was read whole (so a longer body differs).
 */
export async function digestLike(stream: Readable, first: BodyDigest): Promise<BodyDigest> {
  const hash = createHash('sha256');
  let read = 0;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    const part = first.whole ? chunk : chunk.subarray(0, Math.max(0, first.bytes - read));
    hash.update(part);
    read += part.length;
    if (!first.whole && read >= first.bytes) break;
    if (first.whole && read > first.bytes) break;
  }
  return { bytes: read, sha256: hash.digest('hex'), whole: first.whole };
}
