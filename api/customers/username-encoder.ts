import { Transform } from 'node:stream';

/** Bytes gathered before a chunk goes out: fewer, larger writes to the socket. */
const CHUNK_CHARS = 16 * 1024;

/**
 * Object-mode `{uuid, username}` rows in, one JSON object `{"uuid": "username", …}`
 * out, written as the rows arrive: the whole document is never in memory.
 */
export function usernamePairsEncoder(): Transform {
  let buffer = '{';
  let first = true;
  return new Transform({
    writableObjectMode: true,
    transform(row: { uuid: string; username: string }, _encoding, done) {
      buffer += `${first ? '' : ','}${JSON.stringify(row.uuid)}:${JSON.stringify(row.username)}`;
      first = false;
      if (buffer.length >= CHUNK_CHARS) {
        this.push(buffer);
        buffer = '';
      }
      done();
    },
    flush(done) {
      done(null, `${buffer}}`);
    },
  });
}
