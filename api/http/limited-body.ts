import type { IncomingMessage } from 'node:http';
import { Transform, type Readable } from 'node:stream';
import { AppError, PayloadTooLargeError } from '../../shared/domain/errors/index.js';

function tooLarge(maxBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(`request body too large: the limit is ${maxBytes} bytes`);
}

/**
 * The request body as a stream that fails once more than `maxBytes` arrive.
 * A declared Content-Length over the limit is refused before anything is read.
 * The request itself is never destroyed, so an error answer still reaches the
 * client (Node discards whatever of the body is left unread).
 */
export function limitedBody(request: IncomingMessage, maxBytes: number): Readable {
  const declared = Number(request.headers['content-length'] ?? 0);
  if (declared > maxBytes) throw tooLarge(maxBytes);
  let received = 0;
  const limiter = new Transform({
    transform(chunk: Buffer, _encoding, done) {
      received += chunk.length;
      if (received > maxBytes) done(tooLarge(maxBytes));
      else done(null, chunk);
    },
  });
  request.once('close', () => {
    if (!request.complete) {
      limiter.destroy(
        new AppError('request body ended early', {
          code: 'BODY_INCOMPLETE',
          status: 400,
          expose: true,
        }),
      );
    }
  });
  request.pipe(limiter);
  return limiter;
}
