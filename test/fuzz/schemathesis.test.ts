import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ServiceName } from '../../config/index.js';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { freePort, runEntry, type RunningProcess } from '../support/processes.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

/** Where scripts/ensure-schemathesis.sh installs it. */
const SCHEMATHESIS = join(homedir(), '.spillway', 'venv', 'bin', 'schemathesis');
const PORT_VARIABLES: Record<ServiceName, string> = {
  users: 'USER_SERVICE_PORT',
  listings: 'LISTING_SERVICE_PORT',
  public: 'PUBLIC_API_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
  people: 'PEOPLE_SERVICE_PORT',
};
/**
 * Examples per operation and phase. Over six services, 250 gave 10,889–11,211
 * requests in about 3 minutes on this 2-CPU machine (the small services run out
 * of distinct inputs first); 300 leaves a margin above the 10,000 the
 * reliability issue asks CI to send. The figures are printed.
 */
const MAX_EXAMPLES = '300';
const MIN_REQUESTS = 10_000;

interface HarEntry {
  request: { method: string; url: string; postData?: { text?: string } };
  response: { status: number; content: { text?: string } };
}

interface FuzzRun {
  readonly service: string;
  readonly requests: number;
  readonly serverErrors: HarEntry[];
  /** `/ready` answered its documented 503: a dependency did not answer its check within 2 s. */
  readonly notReady: number;
  readonly output: string;
}

/**
 * `GET /ready`'s documented 503 (common-operations.ts: it names each dependency
 * that did not answer within its check's 2 s): the probe doing its job on a
 * machine the fuzz saturates, not a server error. Counted and printed apart.
 */
function isReadinessAnswer(entry: HarEntry): boolean {
  return (
    entry.response.status === 503 &&
    entry.request.method === 'GET' &&
    new URL(entry.request.url).pathname === '/ready'
  );
}

/** The requests a HAR file holds; none when it is missing or was cut short. */
function harEntries(har: string): HarEntry[] {
  if (!existsSync(har)) return [];
  try {
    return (JSON.parse(readFileSync(har, 'utf8')) as { log: { entries: HarEntry[] } }).log.entries;
  } catch {
    return [];
  }
}

/** Runs schemathesis against one service's OpenAPI document; every request is read back from its HAR. */
function fuzzService(service: string, baseUrl: string, dir: string): Promise<FuzzRun> {
  const har = join(dir, `${service}.har`);
  const args = [
    'run',
    `${baseUrl}/api/openapi.json`,
    '--checks',
    'not_a_server_error',
    '--max-examples',
    MAX_EXAMPLES,
    '--workers',
    '8',
    '--request-timeout',
    '15',
    '--suppress-health-check',
    'all',
    '--seed',
    '20261123',
    '--no-color',
    '--report',
    'har',
    '--report-har-path',
    har,
  ];
  return new Promise((resolve) => {
    execFile(
      SCHEMATHESIS,
      args,
      { cwd: dir, maxBuffer: 64 * 1024 * 1024, timeout: 540_000 },
      (error, stdout, stderr) => {
        // A run killed at its timeout leaves a HAR cut short: it counts as no requests, and says why.
        const entries = harEntries(har);
        const ended = error?.killed ? `\n(schemathesis killed by ${error.signal}: timed out)` : '';
        resolve({
          service,
          requests: entries.length,
          serverErrors: entries.filter((e) => e.response.status >= 500 && !isReadinessAnswer(e)),
          notReady: entries.filter(isReadinessAnswer).length,
          output: stdout + stderr + ended,
        });
      },
    );
  });
}

describe('fuzz: schemathesis against every service OpenAPI document (not_a_server_error)', function () {
  this.timeout(600_000);
  const started: RunningProcess[] = [];
  let connections: Connections;
  let dir: string;

  before(async () => {
    connections = await openConnections(testConfig());
    await resetStores(connections);
    dir = mkdtempSync(join(tmpdir(), 'spillway-schemathesis-'));
  });
  after(async () => {
    await Promise.all(started.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
    rmSync(dir, { recursive: true, force: true });
  });

  it('generates thousands of requests and none is answered 5xx; no process crashes', async () => {
    expect(existsSync(SCHEMATHESIS), 'run scripts/ensure-schemathesis.sh').to.equal(true);
    const ports: Record<string, string> = {};
    for (const service of AVAILABLE_SERVICES)
      ports[PORT_VARIABLES[service]] = String(await freePort());
    const env = testEnv({ ...ports, LOG_LEVEL: 'warn', OPS_PORT: String(await freePort()) });
    const api = runEntry('api/main.ts', [], env);
    const workers = runEntry('workers/main.ts', [], env);
    started.push(api, workers);
    const bases = AVAILABLE_SERVICES.map(
      (service) => [service, `http://127.0.0.1:${ports[PORT_VARIABLES[service]]}`] as const,
    );
    for (const [, base] of bases) {
      await eventually(
        async () =>
          (await http('GET', `${base}/api/openapi.json`).catch(() => undefined))?.status === 200
            ? true
            : undefined,
        { timeoutMs: 30_000, what: `${base} to serve its OpenAPI document` },
      );
    }

    // Found by schemathesis: a method the router has never heard of was a 501.
    const trace = await http('TRACE', `${bases[0]![1]}/users`);
    expect(trace.status).to.equal(405);
    expect(trace.body.errors[0]).to.match(/TRACE/);

    const runs = await Promise.all(bases.map(([service, base]) => fuzzService(service, base, dir)));
    let total = 0;
    for (const run of runs) {
      total += run.requests;
      console.log(
        `      ${run.service}: ${run.requests} requests, ${run.serverErrors.length} answered 5xx` +
          (run.notReady > 0 ? ` (and /ready answered its documented 503 ${run.notReady}×)` : ''),
      );
    }
    console.log(`      total: ${total} requests across ${runs.length} services`);
    for (const run of runs) {
      const examples = run.serverErrors
        .slice(0, 3)
        .map(
          (e) =>
            `${e.response.status} ${e.request.method} ${e.request.url} ${e.request.postData?.text ?? ''}`,
        );
      expect(examples, `${run.service}:\n${run.output.slice(-4000)}`).to.deep.equal([]);
      // Proves each service was really fuzzed; small services run out of distinct inputs early.
      expect(run.requests, `${run.service} ran:\n${run.output.slice(-4000)}`).to.be.greaterThan(
        200,
      );
    }
    expect(total).to.be.at.least(MIN_REQUESTS);
    expect(api.child.exitCode, api.output()).to.equal(null);
    expect(workers.child.exitCode, workers.output()).to.equal(null);
  });
});
