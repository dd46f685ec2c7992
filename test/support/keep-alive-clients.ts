import http from 'node:http';
import { Readable } from 'node:stream';
import { Pool } from 'undici';

/** One request as the tests send it: the body is sent whole, with or without a length. */
export interface KeepAliveRequest {
  readonly method: string;
  readonly path: string;
  readonly headers?: Record<string, string>;
  readonly body?: string | Buffer;
  /** Send the body chunked (no Content-Length): the server learns its size only by reading. */
  readonly chunked?: boolean;
}

/** The answer, or status 0 when none came within the timeout (or the connection failed first). */
export interface KeepAliveAnswer {
  readonly status: number;
  readonly connection?: string;
  readonly error?: string;
}

/** A pooled keep-alive client: the next request reuses a connection an answer left open. */
export interface KeepAliveClient {
  readonly name: string;
  send(request: KeepAliveRequest, timeoutMs: number): Promise<KeepAliveAnswer>;
  close(): Promise<void>;
}

/** undici's pool: `connections` sockets kept alive, no pipelining. */
export function undiciClient(origin: string, connections: number): KeepAliveClient {
  const pool = new Pool(origin, { connections, pipelining: 1, keepAliveTimeout: 30_000 });
  return {
    name: `undici Pool (${connections})`,
    async send(request, timeoutMs) {
      try {
        const body =
          request.chunked && request.body ? Readable.from(chunks(request.body)) : request.body;
        const response = await pool.request({
          method: request.method as 'GET',
          path: request.path,
          headers: request.headers,
          body,
          signal: AbortSignal.timeout(timeoutMs),
        });
        await response.body.dump({ limit: 1024 * 1024 });
        const connection = response.headers.connection;
        return { status: response.statusCode, connection: connection?.toString() };
      } catch (error) {
        return { status: 0, error: String(error) };
      }
    },
    close: () => pool.close(),
  };
}

async function* chunks(body: string | Buffer): AsyncGenerator<Buffer> {
  const bytes = Buffer.from(body);
  for (let at = 0; at < bytes.length; at += 16 * 1024) yield bytes.subarray(at, at + 16 * 1024);
}

/** node:http's agent with keep-alive, as most Node clients use it. */
export function nodeHttpClient(origin: string, maxSockets: number): KeepAliveClient {
  const agent = new http.Agent({ keepAlive: true, maxSockets });
  const { hostname, port } = new URL(origin);
  return {
    name: `node:http Agent (${maxSockets})`,
    send: (request, timeoutMs) =>
      new Promise((resolve) => {
        let settled = false;
        let status = 0;
        const settle = (answer: KeepAliveAnswer) => {
          if (settled) return;
          settled = true;
          clearTimeout(timer);
          resolve(answer);
        };
        const headers: Record<string, string | number> = { ...request.headers };
        if (request.body !== undefined && !request.chunked) {
          headers['content-length'] = Buffer.byteLength(request.body);
        }
        const req = http.request(
          { agent, hostname, port, method: request.method, path: request.path, headers },
          (res) => {
            status = res.statusCode ?? 0;
            res.resume();
            res.on('end', () =>
              settle({ status: res.statusCode ?? 0, connection: res.headers.connection }),
            );
            res.on('error', (error) => settle({ status, error: String(error) }));
          },
        );
        const timer = setTimeout(() => {
          settle({ status: 0, error: `no answer within ${timeoutMs} ms` });
          req.destroy();
        }, timeoutMs);
        // A server that answers early and closes may reset the rest of the upload: the
        // answer, if it came first, is what counts.
        req.on('error', (error) => settle({ status, error: String(error) }));
        if (request.body !== undefined) req.write(request.body);
        req.end();
      }),
    close: async () => agent.destroy(),
  };
}
