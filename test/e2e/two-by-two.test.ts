import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
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

const WRITES = 600;

/** The listing ids a worker process logged as persisted (its JSON log lines). */
function persistedListingIds(output: string): number[] {
  return output
    .split('\n')
    .flatMap((line) => {
      // stdout and stderr share the buffer: skip anything that is not a whole JSON line.
      try {
        return [JSON.parse(line) as { msg?: string; queue?: string; id?: number }];
      } catch {
        return [];
      }
    })
    .filter((entry) => entry.msg === 'write persisted' && entry.queue === 'persist-listings')
    .map((entry) => Number(entry.id));
}

/**
 * docs/scaling.md in one machine: two API processes (`--service listings`, two
 * ports) and two worker processes share the same queues and stores. Every
 * acknowledged write must end up exactly once in MySQL and once in Mongo.
 */
describe('two API processes and two worker processes on the same queues', () => {
  let connections: Connections;
  const running: RunningProcess[] = [];

  before(async () => {
    connections = await openConnections(testConfig());
    await resetStores(connections);
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
  });

  it('persists and replicates every acknowledged write exactly once', async function () {
    this.timeout(120_000);
    const ports = [await freePort(), await freePort()];
    const apis = ports.map((port) =>
      runEntry(
        'api/main.ts',
        ['--service', 'listings'],
        testEnv({ LISTING_SERVICE_PORT: String(port), LOG_LEVEL: 'warn' }),
      ),
    );
    // Small batches and low concurrency, so both workers really share the backlog.
    const workers = [1, 2].map(() =>
      runEntry(
        'workers/main.ts',
        [],
        // `info`: each persisted write is a log line naming its listing id.
        testEnv({ LOG_LEVEL: 'info', WORKER_CONCURRENCY: '20', GROUP_COMMIT_MAX_BATCH: '10' }),
      ),
    );
    running.push(...apis, ...workers);
    const bases = ports.map((port) => `http://127.0.0.1:${port}`);
    for (const [i, base] of bases.entries()) {
      await eventually(
        async () =>
          (await http('GET', `${base}/ready`).catch(() => undefined))?.status === 200
            ? true
            : undefined,
        { timeoutMs: 90_000, what: `API ${i + 1} to be ready\n${apis[i]?.output()}` },
      );
    }

    // Both workers must be taking jobs before the writes start, or one may find none left.
    for (const [i, worker] of workers.entries()) {
      await eventually(
        async () => (worker.output().includes('workers started') ? true : undefined),
        {
          timeoutMs: 90_000,
          what: `worker ${i + 1} to start\n${worker.output()}`,
        },
      );
    }

    // Both APIs at once, 20 requests in flight, alternating.
    const acknowledged: number[] = [];
    let next = 0;
    await Promise.all(
      Array.from({ length: 20 }, async () => {
        while (next < WRITES) {
          const n = next++;
          const answer = await http('POST', `${bases[n % 2]}/listings`, {
            json: { user_id: 1 + (n % 7), listing_type: n % 2 ? 'rent' : 'sale', price: 100 + n },
          });
          expect(answer.status, JSON.stringify(answer.body)).to.equal(202);
          acknowledged.push(answer.body.listing.id as number);
        }
      }),
    );
    expect(new Set(acknowledged).size, 'ids are unique across both APIs').to.equal(WRITES);

    const expected = [...acknowledged].sort((a, b) => a - b);
    const mysqlIds = await eventually(
      async () => {
        const [rows] = await connections.mysql.query<RowDataPacket[]>(
          'SELECT id FROM listings ORDER BY id',
        );
        return rows.length >= WRITES ? rows.map((r) => Number(r.id)) : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'every write in MySQL' },
    );
    expect(mysqlIds).to.deep.equal(expected);

    const mongoIds = await eventually(
      async () => {
        const docs = await connections.mongo.db!.collection('listings').find({}).toArray();
        return docs.length >= WRITES
          ? docs.map((d) => Number(d._id)).sort((a, b) => a - b)
          : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 200, what: 'every write replicated to Mongo' },
    );
    expect(mongoIds).to.deep.equal(expected);

    // Both workers shut down cleanly, and both took a share of the backlog.
    const outputs = await Promise.all(workers.map(async (w) => (await w.stop()).code));
    expect(outputs).to.deep.equal([0, 0]);
    const persistedBy = workers.map((worker) => persistedListingIds(worker.output()));
    for (const [i, ids] of persistedBy.entries()) {
      expect(ids.length, `worker ${i + 1} persisted writes`).to.be.greaterThan(0);
    }
    const all = persistedBy.flat().sort((a, b) => a - b);
    expect([...new Set(all)], 'the two workers persisted every write between them').to.deep.equal(
      expected,
    );
  });
});
