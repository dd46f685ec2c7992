import { createServer, request, type Server } from 'node:http';
import { createServer as createTcpServer, type Socket } from 'node:net';

export interface CountingProxy {
  readonly url: string;
  /** `METHOD path?query` of every request forwarded so far, in arrival order. */
  readonly requests: string[];
  /** The same requests with their `If-None-Match` and the status the service answered. */
  readonly exchanges: ProxiedExchange[];
  /** Holds each later answer this long after the service gave it (0: none). */
  delayAnswers(ms: number): void;
  close(): Promise<void>;
}

/** One request through the proxy: what was asked, with what validator, and the answer's status. */
export interface ProxiedExchange {
  readonly request: string;
  readonly ifNoneMatch?: string;
  status?: number;
}

function closeServer(server: Server | ReturnType<typeof createTcpServer>): Promise<void> {
  return new Promise((resolve) => server.close(() => resolve()));
}

/**
 * A plain HTTP proxy on loopback in front of one real service: it forwards
 * every request unchanged and records it, so a test can count what a client
 * really sent over the wire; `delayAnswers(ms)` holds each answer that long
 * after the service gave it (a service that answers too late).
 */
export function startCountingProxy(target: string): Promise<CountingProxy> {
  let delayMs = 0;
  const upstream = new URL(target);
  const requests: string[] = [];
  const exchanges: ProxiedExchange[] = [];
  const server = createServer((incoming, outgoing) => {
    requests.push(`${incoming.method} ${incoming.url}`);
    const validator = incoming.headers['if-none-match'];
    const exchange: ProxiedExchange = {
      request: `${incoming.method} ${incoming.url}`,
      ...(validator !== undefined && { ifNoneMatch: String(validator) }),
    };
    exchanges.push(exchange);
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        exchange.status = answer.statusCode;
        // A slow upstream: the request was served, its answer is late (delayAnswers).
        setTimeout(() => {
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          answer.pipe(outgoing);
        }, delayMs);
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        requests,
        exchanges,
        delayAnswers: (ms) => {
          delayMs = ms;
        },
        close: () => {
          server.closeAllConnections();
          return closeServer(server);
        },
      });
    });
  });
}

export interface SilentServer {
  readonly url: string;
  /** Connections accepted so far. */
  readonly accepted: () => number;
  close(): Promise<void>;
}

/** A TCP server that accepts connections and never answers: an upstream that hangs. */
export function startSilentServer(): Promise<SilentServer> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server = createTcpServer((socket) => {
    accepted += 1;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({
        url: `http://127.0.0.1:${port}`,
        accepted: () => accepted,
        close: () => {
          for (const socket of sockets) socket.destroy();
          return closeServer(server);
        },
      });
    });
  });
}
