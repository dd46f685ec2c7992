import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import type Koa from 'koa';
import type { HttpServerTimeouts, ServiceAddress } from '../../../config/index.js';

export interface Listening {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting connections and resolves when in-flight requests are answered. */
  close(): Promise<void>;
}

const IDLE_SWEEP_MS = 50;
const FORCE_CLOSE_AFTER_MS = 5_000;

/**
 * Node checks the header and request deadlines on a timer, not per socket: a
 * deadline is enforced up to one interval late. A tenth of the header bound
 * (at most a second) keeps that slack small for little work.
 */
function checkingIntervalFor(timeouts: HttpServerTimeouts): number {
  return Math.max(10, Math.min(1_000, Math.floor(timeouts.headersTimeoutMs / 10)));
}

/**
 * An answer sent before its request's body was read whole must not leave the
 * rest of the body on the connection: a body a parser started and gave up on
 * stays paused there, and the next request on the connection is never parsed.
 * Once the answer is out, the rest is discarded (Node itself does this only
 * for bodies nobody started reading); a connection the app marked
 * `Connection: close` is ended by Node meanwhile.
 */
function discardUnreadBody(req: IncomingMessage): void {
  if (req.complete || req.destroyed) return;
  req.unpipe();
  req.removeAllListeners('data');
  req.resume();
}

/**
 * The bounds of a listener whose every route is short (the ops port, the
 * workers' and cron's probes: no bulk upload, no import): the whole request
 * within HTTP_SHORT_REQUEST_TIMEOUT_MS, not the long bound bulk bodies need.
 * Node wants the header bound within the request bound, so never below it.
 */
export function shortRoutesOnly(timeouts: HttpServerTimeouts): HttpServerTimeouts {
  return {
    ...timeouts,
    requestTimeoutMs: Math.max(timeouts.shortRequestTimeoutMs, timeouts.headersTimeoutMs),
  };
}

/**
 * Caps the connections one client address holds open: a connection past the
 * cap is closed as it arrives, before a byte of it is read, so one client
 * cannot hold the listener's connections (slow bodies on many sockets).
 */
function capConnectionsPerClient(server: Server, cap: number): void {
  const open = new Map<string, number>();
  server.prependListener('connection', (socket: Socket) => {
    const client = socket.remoteAddress ?? '';
    const held = open.get(client) ?? 0;
    if (held >= cap) {
      socket.destroy();
      return;
    }
    open.set(client, held + 1);
    socket.once('close', () => {
      const left = (open.get(client) ?? 1) - 1;
      if (left === 0) open.delete(client);
      else open.set(client, left);
    });
  });
}

/**
 * Starts an app on its address; port 0 picks a free port (tests). A client
 * gets `timeouts.headersTimeoutMs` to send its headers and
 * `timeouts.requestTimeoutMs` for the whole request (then 408 and the
 * connection is closed), so a slow or stalled client cannot hold a connection
 * indefinitely; the listener takes at most `timeouts.maxConnections`
 * connections, and one client address at most `options.connectionsPerClient`
 * (internet-facing listeners). Closing is graceful for keep-alive clients too: answers sent
 * while closing carry `Connection: close`, idle sockets are swept until the
 * server has none, and whatever is still open after a few seconds is cut.
 */
export function listen(
  app: Koa<never>,
  address: ServiceAddress,
  timeouts: HttpServerTimeouts,
  options: { readonly connectionsPerClient?: number } = {},
): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const server = createServer(
      {
        headersTimeout: timeouts.headersTimeoutMs,
        requestTimeout: timeouts.requestTimeoutMs,
        keepAliveTimeout: timeouts.keepAliveTimeoutMs,
        connectionsCheckingInterval: checkingIntervalFor(timeouts),
      },
      app.callback(),
    );
    server.maxConnections = timeouts.maxConnections;
    if (options.connectionsPerClient) capConnectionsPerClient(server, options.connectionsPerClient);
    server.prependListener('request', (req: IncomingMessage, res: ServerResponse) => {
      if (closing) res.setHeader('Connection', 'close');
      res.once('finish', () => discardUnreadBody(req));
    });
    server.once('error', reject);
    server.listen(address.port, address.host);
    server.once('listening', () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : address.port;
      const host = address.host.includes(':') ? `[${address.host}]` : address.host;
      let closed: Promise<void> | undefined;
      resolve({
        server,
        url: `http://${host}:${port}`,
        close: () =>
          (closed ??= new Promise<void>((done) => {
            closing = true;
            const sweep = setInterval(() => server.closeIdleConnections(), IDLE_SWEEP_MS);
            const force = setTimeout(() => server.closeAllConnections(), FORCE_CLOSE_AFTER_MS);
            server.close(() => {
              clearInterval(sweep);
              clearTimeout(force);
              done();
            });
            server.closeIdleConnections();
          })),
      });
    });
  });
}
