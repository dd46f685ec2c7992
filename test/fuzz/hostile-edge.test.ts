import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import { connect } from 'node:net';
import fc from 'fast-check';
import type { ServiceName } from '../../config/index.js';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { http, type HttpAnswer } from '../support/http.js';
import { freePort, runEntry, untilHealthy, type RunningProcess } from '../support/processes.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

const PORT_VARIABLES: Record<ServiceName, string> = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  public: 'PUBLIC_API_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
};
const WRITE_METHODS = ['post', 'put', 'patch', 'delete'] as const;
/** An answer later than this counts as unanswered. */
const UNANSWERED_AFTER_MS = 5_000;
/** Single writes and reads must arrive whole within this (HTTP_SHORT_REQUEST_TIMEOUT_MS here). */
const SHORT_REQUEST_MS = 2_000;
/** 10 kB of JSON nested 5,000 deep: the reproduction. */
const DEEP = `${'['.repeat(5_000)}${']'.repeat(5_000)}`;

interface WriteOperation {
  readonly service: ServiceName;
  readonly method: string;
  /** With every path parameter filled in. */
  readonly path: string;
}

/** A plausible value for a path parameter, by its name. */
function parameterValue(name: string, path: string): string {
  if (name === 'uuid') return randomUUID();
  // Orders are ObjectIds; every other id is an integer.
  if (path.startsWith('/orders') || path.startsWith('/api/vehicle')) return 'a'.repeat(24);
  return '1';
}

/** Every write operation a service documents, its path parameters filled in. */
async function writeOperations(service: ServiceName, base: string): Promise<WriteOperation[]> {
  const document = (await http('GET', `${base}/api/openapi.json`)).body as {
    paths: Record<string, Record<string, unknown>>;
  };
  const operations: WriteOperation[] = [];
  for (const [template, methods] of Object.entries(document.paths)) {
    const path = template.replace(/\{([^}]+)\}/g, (_m, name: string) =>
      parameterValue(name, template),
    );
    for (const method of WRITE_METHODS) {
      if (methods[method]) operations.push({ service, method: method.toUpperCase(), path });
    }
  }
  return operations;
}

/** The request's answer and how long it took; a request that fails at the socket is status 0. */
async function timed(
  method: string,
  url: string,
  options: Parameters<typeof http>[2],
): Promise<{ answer: HttpAnswer | undefined; ms: number; error?: string }> {
  const started = Date.now();
  try {
    const answer = await http(method, url, options);
    return { answer, ms: Date.now() - started };
  } catch (error) {
    return { answer: undefined, ms: Date.now() - started, error: (error as Error).message };
  }
}

describe('fuzz: hostile requests at the edges (issue 31)', function () {
  this.timeout(300_000);
  const started: RunningProcess[] = [];
  const bases = new Map<ServiceName, string>();
  let connections: Connections;

  before(async () => {
    connections = await openConnections(testConfig());
    await resetStores(connections);
    const ports: Record<string, string> = {};
    for (const service of AVAILABLE_SERVICES) {
      ports[PORT_VARIABLES[service]] = String(await freePort());
    }
    const env = testEnv({
      ...ports,
      LOG_LEVEL: 'warn',
      OPS_PORT: String(await freePort()),
      HTTP_SHORT_REQUEST_TIMEOUT_MS: String(SHORT_REQUEST_MS),
    });
    const api = runEntry('api/main.ts', [], env);
    started.push(api, runEntry('workers/main.ts', [], env));
    for (const service of AVAILABLE_SERVICES) {
      const base = `http://127.0.0.1:${ports[PORT_VARIABLES[service]]}`;
      bases.set(service, base);
      // Every service in one process, compiled on the fly: slow to start on a busy machine.
      await untilHealthy(base, { timeoutMs: 90_000, what: `${service} to listen` }).catch(
        (error: Error) => {
          throw new Error(`${error.message}\n${api.output().slice(-3000)}`);
        },
      );
    }
  });
  after(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
  });
  afterEach(async function everyServiceHealthy() {
    for (const [service, base] of bases) {
      const health = await http('GET', `${base}/health`);
      expect(health.status, `${service} /health`).to.equal(200);
    }
    for (const process of started) expect(process.child.exitCode, process.output()).to.equal(null);
  });

  it('deep JSON with every optional header, to every write route: 0 answers ≥ 500, all within 5 s', async () => {
    const operations = (
      await Promise.all([...bases].map(([service, base]) => writeOperations(service, base)))
    ).flat();
    expect(operations.length).to.be.greaterThan(20);
    const headers = (i: number) => ({
      'content-type': 'application/json',
      'idempotency-key': `deep-${i}-${randomUUID()}`,
      prefer: 'wait=1',
      'if-match': '"1"',
    });
    const bodies = [`{"name":${DEEP}}`, DEEP, `[{"name":${DEEP}}]`];
    const runs = await Promise.all(
      operations.flatMap((operation, i) =>
        bodies.map((raw) =>
          timed(operation.method, `${bases.get(operation.service)}${operation.path}`, {
            raw,
            headers: headers(i),
          }).then((run) => ({ operation, ...run })),
        ),
      ),
    );
    const bad = runs
      .filter((run) => !run.answer || run.answer.status >= 500 || run.ms > UNANSWERED_AFTER_MS)
      .map(
        (run) =>
          `${run.operation.method} ${run.operation.path}: ${run.answer?.status ?? run.error} in ${run.ms} ms ${run.answer?.text.slice(0, 200) ?? ''}`,
      );
    console.log(`      ${runs.length} deep-JSON requests over ${operations.length} write routes`);
    expect(bad).to.deep.equal([]);
  });

  it('Unicode username confusables: every variant of a taken name is a 409 on every route, 0 answers ≥ 500', async () => {
    const base = bases.get('customers')!;
    const name = `zoe${randomUUID()
      .slice(0, 6)
      .replace(/[^a-z]/g, 'q')}`;
    const first = await http('POST', `${base}/customers`, {
      json: { username: name, address: 'a', income: '1' },
    });
    expect(first.status, first.text).to.equal(202);
    const fullwidth = (text: string) =>
      text.replace(/[a-z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41));
    const bold = (text: string) =>
      text.replace(/[a-z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0x1d41a));
    const invisible = [
      '\u200b',
      '\u200c',
      '\u200d',
      '\u2060',
      '\u00ad',
      '\ufeff',
      '\ufe0f',
      '\u180e',
    ];
    // Every variant: a compatibility form or case of each letter, invisible characters anywhere.
    const variant = fc
      .tuple(
        fc.array(fc.constantFrom('plain', 'upper', 'fullwidth', 'bold'), {
          minLength: name.length,
          maxLength: name.length,
        }),
        fc.array(fc.tuple(fc.nat(name.length), fc.constantFrom(...invisible)), { maxLength: 3 }),
      )
      .map(([forms, inserts]) => {
        const letters = [...name].map((c, i) =>
          forms[i] === 'upper'
            ? c.toUpperCase()
            : forms[i] === 'fullwidth'
              ? fullwidth(c)
              : forms[i] === 'bold'
                ? bold(c)
                : c,
        );
        for (const [at, mark] of inserts) letters.splice(at, 0, mark);
        return letters.join('');
      })
      .filter((username) => username !== name);
    const usernames = [...new Set(fc.sample(variant, { numRuns: 60, seed: 31 }))];
    const runs = await Promise.all(
      usernames.flatMap((username) =>
        [
          ['PUT', '/customer', { username, address: 'b', income: '2' }],
          ['POST', '/customers', { username, address: 'b', income: '2' }],
          ['POST', '/customers/bulk', [{ username, address: 'b', income: '2' }]],
        ].map(([method, path, json]) =>
          timed(method as string, `${base}${path as string}`, { json }).then((run) => ({
            username,
            path,
            ...run,
          })),
        ),
      ),
    );
    const statusOf = (run: (typeof runs)[number]) =>
      run.path === '/customers/bulk' ? run.answer?.body.items[0].status : run.answer?.status;
    const wrong = runs
      .filter((run) => statusOf(run) !== 409 || run.ms > UNANSWERED_AFTER_MS)
      .map(
        (run) => `${run.path} ${JSON.stringify(run.username)}: ${statusOf(run)} in ${run.ms} ms`,
      );
    console.log(
      `      ${runs.length} confusable usernames sent, ${runs.length - wrong.length} refused 409`,
    );
    expect(wrong).to.deep.equal([]);
    // And names from anywhere in Unicode: never a 5xx.
    const anyName = fc.sample(fc.string({ unit: 'binary', minLength: 1, maxLength: 70 }), {
      numRuns: 200,
      seed: 31,
    });
    const answers = await Promise.all(
      anyName.map((username) =>
        timed('POST', `${base}/customers`, { json: { username, address: 'c', income: '3' } }),
      ),
    );
    expect(answers.filter((a) => !a.answer || a.answer.status >= 500)).to.deep.equal([]);
  });

  it('slow bodies: single writes cut at the short bound, everything else answered within 5 s', async () => {
    const slow = (service: ServiceName, path: string) =>
      new Promise<{ status: string; ms: number }>((resolve) => {
        const started = Date.now();
        const port = Number(new URL(bases.get(service)!).port);
        const body = JSON.stringify({
          username: `slow-${randomUUID()}`,
          address: 'a',
          income: '1',
        });
        const socket = connect(port, '127.0.0.1', () =>
          socket.write(
            `POST ${path} HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: ${body.length}\r\n\r\n`,
          ),
        );
        let sent = 0;
        const drip = setInterval(() => {
          if (sent < body.length && socket.writable) socket.write(body[sent++]!);
        }, 250);
        let received = '';
        socket.on('data', (chunk) => (received += chunk.toString('latin1')));
        socket.on('error', () => undefined);
        socket.on('close', () => {
          clearInterval(drip);
          resolve({ status: received.split('\r\n')[0] ?? '', ms: Date.now() - started });
        });
        setTimeout(() => socket.destroy(), 30_000);
      });
    const slowOnes = [
      ...Array.from({ length: 20 }, () => slow('customers', '/customers')),
      ...Array.from({ length: 20 }, () => slow('public', '/public-api/users')),
    ];
    // Meanwhile ordinary requests are answered quickly on every service.
    const normal = await Promise.all(
      [...bases].flatMap(([service, base]) =>
        [0, 1, 2].map(() =>
          timed('GET', `${base}/health`, {}).then((run) => ({ service, ...run })),
        ),
      ),
    );
    const cut = await Promise.all(slowOnes);
    expect(
      normal.filter((n) => n.answer?.status !== 200 || n.ms > UNANSWERED_AFTER_MS),
    ).to.deep.equal([]);
    const late = cut.filter(
      (c) => !c.status.startsWith('HTTP/1.1 408') || c.ms > SHORT_REQUEST_MS + UNANSWERED_AFTER_MS,
    );
    console.log(
      `      ${cut.length} slow single-write bodies, ${cut.length - late.length} cut with 408`,
    );
    expect(late).to.deep.equal([]);
  });
});
