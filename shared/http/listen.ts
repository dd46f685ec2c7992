import type { Server } from 'node:http';
import type Koa from 'koa';
import type { ServiceAddress } from '../../config/index.js';

export interface Listening {
  readonly server: Server;
  readonly url: string;
  /** Stops accepting connections and resolves when in-flight requests are answered. */
  close(): Promise<void>;
}

/** Starts an app on its address; port 0 picks a free port (tests). */
export function listen(app: Koa<never>, address: ServiceAddress): Promise<Listening> {
  return new Promise((resolve, reject) => {
    const server = app.listen(address.port, address.host);
    server.keepAliveTimeout = 65_000;
    server.once('error', reject);
    server.once('listening', () => {
      const bound = server.address();
      const port = typeof bound === 'object' && bound ? bound.port : address.port;
      resolve({
        server,
        url: `http://${address.host}:${port}`,
        close: () =>
          new Promise<void>((done) => {
            server.close(() => done());
            server.closeIdleConnections();
          }),
      });
    });
  });
}
