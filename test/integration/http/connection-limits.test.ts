import { expect } from 'chai';
import { connect, type Socket } from 'node:net';
import Koa from 'koa';
import { listen, shortRoutesOnly, type Listening } from '../../../shared/infra/http/listen.js';
import { testConfig } from '../../support/test-config.js';

/** A connected socket, and how it ended: closed by the server before sending anything, or still open. */
function open(port: number): Promise<{ socket: Socket; closedEarly: Promise<boolean> }> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1');
    socket.on('error', () => undefined);
    socket.once('connect', () => {
      const closedEarly = new Promise<boolean>((done) => {
        const timer = setTimeout(() => done(false), 500);
        socket.once('close', () => {
          clearTimeout(timer);
          done(true);
        });
      });
      resolve({ socket, closedEarly });
    });
    socket.once('error', reject);
  });
}

/** One GET on a fresh connection: the status line, or '' when the connection was closed first. */
function get(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1', () =>
      socket.write('GET / HTTP/1.1\r\nHost: x\r\n\r\n'),
    );
    let received = '';
    socket.on('data', (chunk) => {
      received += chunk.toString('latin1');
      if (received.includes('\r\n\r\n')) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => resolve(received.split('\r\n')[0] ?? ''));
  });
}

describe('listen: connection bounds (issue 31 item 4)', () => {
  const servers: Listening[] = [];
  const sockets: Socket[] = [];
  async function start(env: Record<string, string>, connectionsPerClient?: number) {
    const app = new Koa();
    app.use((ctx) => {
      ctx.body = 'ok';
    });
    const config = testConfig(env);
    const server = await listen(
      app,
      { host: '127.0.0.1', port: 0 },
      config.httpServer,
      connectionsPerClient === undefined ? {} : { connectionsPerClient },
    );
    servers.push(server);
    return Number(new URL(server.url).port);
  }
  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.destroy();
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  it('HTTP_MAX_CONNECTIONS: the listener closes connections past its bound as they arrive', async () => {
    const port = await start({ HTTP_MAX_CONNECTIONS: '3' });
    const held = await Promise.all([1, 2, 3].map(() => open(port)));
    sockets.push(...held.map((h) => h.socket));
    const extra = await open(port);
    sockets.push(extra.socket);
    expect(await extra.closedEarly).to.equal(true);
    expect(await Promise.race(held.map((h) => h.closedEarly))).to.equal(false);
    held[0]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(port)).to.equal('HTTP/1.1 200 OK');
  });

  it('a per-client cap closes one address’s connections past it, and frees a slot when one closes', async () => {
    const port = await start({}, 2);
    const held = await Promise.all([1, 2].map(() => open(port)));
    sockets.push(...held.map((h) => h.socket));
    const extra = await open(port);
    sockets.push(extra.socket);
    expect(await extra.closedEarly).to.equal(true);
    expect(await get(port)).to.equal('');
    held[0]!.socket.destroy();
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(await get(port)).to.equal('HTTP/1.1 200 OK');
  });

  it('a listener of short routes only (ops, probes) cuts a trickled body at the short bound', async () => {
    const config = testConfig({
      HTTP_HEADERS_TIMEOUT_MS: '300',
      HTTP_SHORT_REQUEST_TIMEOUT_MS: '600',
    });
    const app = new Koa();
    app.silent = true;
    app.use(async (ctx) => {
      for await (const chunk of ctx.req) void chunk;
      ctx.body = 'ok';
    });
    const server = await listen(
      app,
      { host: '127.0.0.1', port: 0 },
      shortRoutesOnly(config.httpServer),
    );
    servers.push(server);
    const port = Number(new URL(server.url).port);
    const started = Date.now();
    const outcome = await new Promise<string>((resolve) => {
      const socket = connect(port, '127.0.0.1', () =>
        socket.write('POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\n'),
      );
      const drip = setInterval(() => socket.writable && socket.write('x'), 100);
      let received = '';
      socket.on('data', (chunk) => (received += chunk.toString('latin1')));
      socket.on('error', () => undefined);
      socket.on('close', () => {
        clearInterval(drip);
        resolve(received);
      });
    });
    expect(outcome).to.match(/^HTTP\/1\.1 408 /);
    expect(Date.now() - started).to.be.below(600 + 1000);
  });
});
