import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type Koa from 'koa';
import type { ServiceAddress } from '../../config/index.js';

export interface Listening {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting connections and resolves when in-flight requests are answered. */
  close(): Promise<void>;
}

const IDLE_SWEEP_MS = 50;
const FORCE_CLOSE_AFTER_MS = 5_000;

/**
 * Starts an app on its address; port 0 picks a free port (tests). Closing is
 * graceful for keep-alive clients too: answers sent while closing carry
 * `Connection: close`, idle sockets are swept until the server has none, and
 * whatever is still open after a few seconds is cut.
 */
export function listen(app: Koa<never>, address: ServiceAddress): Promise<Listening> {
  return new Promise((resolve, reject) => {
    let closing = false;
    const server = app.listen(address.port, address.host);
    server.keepAliveTimeout = 65_000;
    server.prependListener('request', (_req: IncomingMessage, res: ServerResponse) => {
      if (closing) res.setHeader('Connection', 'close');
    });
    server.once('error', reject);
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
