import { expect } from 'chai';
import { connect } from 'node:net';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { testConfig } from '../support/test-config.js';

const SHORT_MS = 500;
const SLACK_MS = 700;

/** Sends `head`, then one body part every `everyMs`; resolves with what the server sent and when it closed. */
function trickle(port: number, head: string, parts: readonly string[], everyMs: number) {
  return new Promise<{ received: string; ms: number }>((resolve) => {
    const started = Date.now();
    const socket = connect(port, '127.0.0.1', () => socket.write(head));
    let received = '';
    let next = 0;
    const timer = setInterval(() => {
      if (next < parts.length && socket.writable) socket.write(parts[next++]!);
    }, everyMs);
    const giveUp = setTimeout(() => socket.destroy(), 10_000);
    socket.on('data', (chunk) => {
      received += chunk.toString('utf8');
      // A complete answer (the bulk intake's) ends the exchange from our side.
      if (/\r\n\r\n[\s\S]*\}\s*$/.test(received)) socket.destroy();
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      clearInterval(timer);
      clearTimeout(giveUp);
      resolve({ received, ms: Date.now() - started });
    });
  });
}

describe('per-route request deadlines (issue 31 item 4): short for single writes, long for bulk', () => {
  let connections: Connections;
  let apps: ServiceApps;
  let server: Listening;
  let port: number;

  before(async () => {
    const config = testConfig({
      HTTP_SHORT_REQUEST_TIMEOUT_MS: String(SHORT_MS),
      HTTP_REQUEST_TIMEOUT_MS: '60000',
    });
    connections = await openConnections(config);
    apps = await createServiceApps(
      config,
      connections,
      createLogger({ level: 'silent', name: 't' }),
      {
        names: ['users'],
      },
    );
    server = await listen(apps.app('users'), config.services.users, config.httpServer);
    port = Number(new URL(server.url).port);
  });
  after(async () => {
    await server.close();
    await apps.close();
    await closeConnections(connections);
  });

  it('a single write whose body trickles is a 408 after the short bound, its connection closed', async () => {
    const body = JSON.stringify({ name: 'Slow Sam' });
    const head = `POST /users HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`;
    const outcome = await trickle(port, head, [...body], 200);
    expect(outcome.received).to.match(/^HTTP\/1\.1 408 /);
    expect(outcome.received).to.include('SPW_BODY_INCOMPLETE');
    expect(outcome.ms).to.be.below(SHORT_MS + SLACK_MS);
  });

  it('a bulk body that takes longer than the short bound is read whole and answered', async () => {
    const lines = [1, 2, 3, 4].map((i) => `${JSON.stringify({ name: `Bulk ${i}` })}\n`);
    const length = lines.reduce((sum, line) => sum + Buffer.byteLength(line), 0);
    const head = `POST /users/bulk HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-ndjson\r\nContent-Length: ${length}\r\n\r\n`;
    const outcome = await trickle(port, head, lines, 300);
    expect(outcome.ms).to.be.above(SHORT_MS);
    expect(outcome.received).to.match(/^HTTP\/1\.1 202 /);
    expect(outcome.received).to.include('"accepted":4');
  });
});
