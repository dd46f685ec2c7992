import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { ServiceName } from '../../config/index.js';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import { closeConnections, openConnections, type Connections } from '../../shared/connections.js';
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
    const env = testEnv({ ...ports, LOG_LEVEL: 'warn', OPS_PORT: String(await freePort()) });
    started.push(runEntry('api/main.ts', [], env), runEntry('workers/main.ts', [], env));
    for (const service of AVAILABLE_SERVICES) {
      const base = `http://127.0.0.1:${ports[PORT_VARIABLES[service]]}`;
      bases.set(service, base);
      await untilHealthy(base, { what: `${service} to listen` });
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
});
