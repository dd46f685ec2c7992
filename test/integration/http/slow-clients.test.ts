import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import Koa from 'koa';
import { listen, type Listening } from '../../../shared/infra/http/listen.js';
import { testConfig } from '../../support/test-config.js';

const HEADERS_TIMEOUT_MS = 300;
const REQUEST_TIMEOUT_MS = 600;
/** Node enforces the deadlines on a timer: allow for it, and for a busy test machine. */
const SLACK_MS = 400;

/** What a raw client saw: everything the server sent, and when the connection ended. */
interface RawOutcome {
  readonly received: string;
  readonly closedAfterMs: number;
}

/** Writes `parts`, the first at once, then one per `everyMs`, until the server closes the connection (or `giveUpMs`). */
function trickle(port: number, parts: readonly string[], everyMs: number, giveUpMs: number) {
  return new Promise<RawOutcome>((resolve) => {
    const started = Date.now();
    const socket: Socket = connect(port, '127.0.0.1');
    let received = '';
    let next = 0;
    const writeNext = () => {
      if (next < parts.length && socket.writable) socket.write(parts[next++]!);
    };
    socket.once('connect', writeNext);
    const timer = setInterval(writeNext, everyMs);
    const done = () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      socket.destroy();
      resolve({ received, closedAfterMs: Date.now() - started });
    };
    const giveUp = setTimeout(done, giveUpMs);
    socket.on('data', (chunk) => (received += chunk.toString('latin1')));
    socket.on('close', done);
    socket.on('error', () => undefined);
  });
}

describe('listen: a slow client cannot hold a connection past the configured bounds', () => {
  let server: Listening;
  let port: number;
  before(async () => {
    const config = testConfig({
      HTTP_HEADERS_TIMEOUT_MS: String(HEADERS_TIMEOUT_MS),
      HTTP_REQUEST_TIMEOUT_MS: String(REQUEST_TIMEOUT_MS),
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '5000',
    });
    const app = new Koa();
    // The body-reading request cut by its deadline fails its read: expected here, not logged.
    app.silent = true;
    app.use(async (ctx) => {
      let bytes = 0;
      for await (const chunk of ctx.req) bytes += (chunk as Buffer).length;
      ctx.body = { bytes };
    });
    server = await listen(app, { host: '127.0.0.1', port: 0 }, config.httpServer);
    port = Number(new URL(server.url).port);
  });
  after(() => server.close());

  it('cuts a client that trickles its headers (408, connection closed) within the header bound', async () => {
    const headers = 'GET / HTTP/1.1\r\nHost: x\r\nX-Slow: ' + 'a'.repeat(40) + '\r\n\r\n';
    const outcome = await trickle(port, [...headers], 50, 5_000);
    expect(outcome.closedAfterMs).to.be.below(HEADERS_TIMEOUT_MS + SLACK_MS);
    expect(outcome.received).to.match(/^HTTP\/1\.1 408 /);
  });

  it('cuts a client that sent nothing at all within the header bound', async () => {
    const outcome = await trickle(port, [], 50, 5_000);
    expect(outcome.closedAfterMs).to.be.below(HEADERS_TIMEOUT_MS + SLACK_MS);
  });

  it('cuts a client that trickles its body (408, connection closed) within the request bound', async () => {
    const head = 'POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 1000\r\n\r\n';
    const outcome = await trickle(port, [head, ...'x'.repeat(100)], 50, 5_000);
    expect(outcome.closedAfterMs).to.be.below(REQUEST_TIMEOUT_MS + SLACK_MS);
    expect(outcome.received).to.match(/^HTTP\/1\.1 408 /);
  });

  it('keeps an idle keep-alive connection open past the header bound (it only runs from a request’s first byte)', async () => {
    const request = 'GET / HTTP/1.1\r\nHost: x\r\n\r\n';
    const idleMs = HEADERS_TIMEOUT_MS * 3;
    const outcome = await trickle(port, [request, request], idleMs, idleMs * 2 + 300);
    expect(outcome.received.match(/HTTP\/1\.1 200 /g)).to.have.length(2);
  });
});
