import { expect } from 'chai';
import { Agent, request, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import Koa from 'koa';
import { closeUnreadBody } from '../../../api/http/close-unread-body.js';

/** One request on `agent`; resolves with the status and headers once the answer ended. */
function send(
  agent: Agent,
  port: number,
  options: { method: string; body?: string; length?: number },
): Promise<{ status: number; headers: IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {};
    if (options.length !== undefined) headers['content-length'] = String(options.length);
    const req = request({ port, agent, method: options.method, path: '/', headers }, (res) => {
      res.resume();
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers }));
    });
    req.on('error', reject);
    if (options.body !== undefined) req.write(options.body);
    if (options.length === undefined || options.body?.length === options.length) req.end();
  });
}

describe('closeUnreadBody: a request answered before its body was read does not wedge its connection', () => {
  let server: ReturnType<Koa['listen']>;
  let port: number;
  before(async () => {
    const app = new Koa();
    app.use(closeUnreadBody());
    // Answers at once, reading no body: like a 413, 415, 429 or 503 before the body.
    app.use((ctx) => {
      ctx.status = 413;
      ctx.body = 'refused';
    });
    server = app.listen(0);
    await new Promise((resolve) => server.once('listening', resolve));
    port = (server.address() as AddressInfo).port;
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it('keeps a bodyless request’s connection alive', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const answer = await send(agent, port, { method: 'GET' });
    expect(answer.headers.connection).to.equal('keep-alive');
    agent.destroy();
  });

  it('closes the connection of a request whose body is still arriving, and the next request gets its answer', async () => {
    const agent = new Agent({ keepAlive: true, maxSockets: 1 });
    const refused = await send(agent, port, {
      method: 'POST',
      body: 'x'.repeat(1_000),
      length: 1_000_000,
    });
    expect(refused.status).to.equal(413);
    expect(refused.headers.connection).to.equal('close');
    const next = await send(agent, port, { method: 'GET' });
    expect(next.status).to.equal(413);
    agent.destroy();
  });
});
