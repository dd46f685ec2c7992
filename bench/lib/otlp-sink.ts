import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

/** What an OTLP/HTTP sink has received so far. */
export interface SinkCount {
  requests: number;
  bytes: number;
}

/**
 * An OTLP/HTTP receiver that answers 200 and only counts what it got: the
 * exporter's cost is then the traced process's own, not a collector's, and
 * with tracing off it shows that nothing was sent.
 */
export async function startOtlpSink(): Promise<{
  url: string;
  received: Readonly<SinkCount>;
  close(): Promise<void>;
}> {
  const received: SinkCount = { requests: 0, bytes: 0 };
  const server = createServer((request, response) => {
    request.on('data', (chunk: Buffer) => (received.bytes += chunk.length));
    request.on('end', () => {
      received.requests += 1;
      response.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return { url, received, close: () => new Promise<void>((r) => server.close(() => r())) };
}
