import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import type { ServiceName } from '../../config/index.js';
import { eventually } from '../support/eventually.js';
import { http, type HttpAnswer } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { unfinishedJobs } from '../support/queue-jobs.js';
import type { ShardedQueue } from '../../shared/infra/queues/sharded-queue.js';
import { testEnv } from '../support/test-config.js';

/** Port variables of the services a case runs in its own process. */
const PORT_VARIABLE: Partial<Record<ServiceName, string>> = {
  users: 'USER_SERVICE_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
};

/**
 * One API process serving `service`; with `die`, it kills itself after a keyed
 * write enqueued (a bulk request: after its first chunk).
 */
async function startApi(
  service: ServiceName,
  die: boolean,
  env: Record<string, string> = {},
): Promise<{ api: RunningProcess; url: string }> {
  const port = await freePort();
  // The dying API is the product's API process through a test seam, not a product setting.
  const api = runEntry(
    die ? 'test/support/entries/dying-api.ts' : 'api/main.ts',
    ['--service', service],
    testEnv({
      [PORT_VARIABLE[service] ?? '']: String(port),
      LOG_LEVEL: 'warn',
      // The dead process's lease runs out a second after the crash, not two minutes.
      IDEMPOTENCY_PENDING_TTL_SECONDS: '1',
      ...env,
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await untilHealthy(url, {
    timeoutMs: 30_000,
    what: `the ${service} API to listen\n${api.output()}`,
  });
  return { api, url };
}

/** Every job of the queue whose data mentions `marker`, in any state BullMQ keeps. */
async function jobsMentioning(
  queue: ShardedQueue<Record<string, unknown>>,
  marker: string,
): Promise<string[]> {
  const perShard = await Promise.all(
    queue.shards.map((shard) =>
      shard.getJobs(['waiting', 'active', 'delayed', 'completed', 'failed']),
    ),
  );
  return perShard
    .flat()
    .filter((job) => JSON.stringify(job.data).includes(marker))
    .map((job) => job.id ?? '');
}

/** A queue of the in-process pipeline by its logical name. */
function queueOf(pipeline: Pipeline, name: string): ShardedQueue<Record<string, unknown>> {
  const found = pipeline.apps.queues.find((q) => q.name === name);
  if (!found) throw new Error(`no queue ${name}`);
  return found as ShardedQueue<Record<string, unknown>>;
}

/** Sends a request to an API that kills itself on it: the client gets no answer. */
async function sendToDyingApi(
  dying: { api: RunningProcess; url: string },
  send: (url: string) => Promise<HttpAnswer>,
): Promise<void> {
  const lost = await send(dying.url).then(
    (answer) => `answered ${answer.status}`,
    () => 'no answer',
  );
  expect(lost, 'the client must see the crash, not an answer').to.equal('no answer');
  expect((await dying.api.stop()).code, 'killed by its own SIGKILL').to.equal(null);
}

/** The same request again, past the 409s (in progress) of the dead process's lease. */
function retryPastLease(send: () => Promise<HttpAnswer>): Promise<HttpAnswer> {
  return eventually(
    async () => {
      const answer = await send();
      return answer.status === 409 ? undefined : answer;
    },
    { timeoutMs: 15_000, intervalMs: 250, what: 'the retry to get past 409' },
  );
}

interface CrashCase {
  readonly service: ServiceName;
  readonly queue: string;
  /** The field the answer and the job's data carry the resource under. */
  readonly resourceKey: string;
  /** The write, made unique by `marker`. */
  send(url: string, key: string, marker: string): Promise<HttpAnswer>;
  /** The resource's id in a 2xx answer. */
  idOf(answer: HttpAnswer): string | number;
  /** How many stored rows (documents) carry `marker`. */
  stored(pipeline: Pipeline, marker: string): Promise<number>;
}

async function mysqlCount(pipeline: Pipeline, sql: string, marker: string): Promise<number> {
  const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(sql, [marker]);
  return Number(rows[0]?.n ?? 0);
}

const CASES: CrashCase[] = [
  {
    service: 'users',
    queue: 'persist-users',
    resourceKey: 'user',
    send: (url, key, marker) =>
      http('POST', `${url}/users`, { form: { name: marker }, headers: { 'Idempotency-Key': key } }),
    idOf: (answer) => answer.body.user.id,
    stored: (pipeline, marker) =>
      mysqlCount(pipeline, 'SELECT COUNT(*) AS n FROM users WHERE name = ?', marker),
  },
  {
    service: 'customers',
    queue: 'persist-customers',
    resourceKey: 'customer',
    send: (url, key, marker) =>
      http('POST', `${url}/customers`, {
        json: { username: marker, address: '1 Crash Rd', income: '10.00' },
        headers: { 'Idempotency-Key': key },
      }),
    idOf: (answer) => answer.body.customer.uuid,
    stored: (pipeline, marker) =>
      mysqlCount(pipeline, 'SELECT COUNT(*) AS n FROM customers WHERE username = ?', marker),
  },
  {
    service: 'orders',
    queue: 'persist-orders',
    resourceKey: 'order',
    send: (url, key, marker) =>
      http('POST', `${url}/orders`, {
        json: { vehicle_manufacturer: 'Saab', model: marker, total_price: 900 },
        headers: { 'Idempotency-Key': key },
      }),
    idOf: (answer) => answer.body.order.id,
    stored: (pipeline, marker) =>
      pipeline.connections.mongo.db!.collection('orders').countDocuments({ model: marker }),
  },
];

/** Chunks of 3: the seven users below are three chunks, the crash comes after the first. */
const BULK_ENV = { BULK_CHUNK_SIZE: '3' };

/** A bulk route whose chunks are planned like users', and how to count what it stored. */
interface BulkCrashCase {
  readonly service: ServiceName;
  readonly path: string;
  readonly queue: string;
  /** Seven valid items made unique by `marker`. */
  items(marker: string): Record<string, unknown>[];
  /** How many stored rows (documents) carry `marker`. */
  stored(pipeline: Pipeline, marker: string): Promise<number>;
}

const BULK_CASES: BulkCrashCase[] = [
  {
    service: 'customers',
    path: '/customers/bulk',
    queue: 'persist-customers',
    items: (marker) =>
      Array.from({ length: 7 }, (_, i) => ({
        username: `${marker}-${i}`,
        address: '1 Crash Rd',
        income: '10.00',
      })),
    stored: (pipeline, marker) =>
      mysqlCount(
        pipeline,
        "SELECT COUNT(*) AS n FROM customers WHERE username LIKE CONCAT(?, '-%')",
        marker,
      ),
  },
  {
    service: 'orders',
    path: '/orders/bulk',
    queue: 'persist-orders',
    items: (marker) =>
      Array.from({ length: 7 }, (_, i) => ({
        vehicle_manufacturer: 'Saab',
        model: `${marker}-${i}`,
        total_price: 900 + i,
      })),
    stored: async (pipeline, marker) =>
      (await pipeline.connections.mongo.db
        ?.collection('orders')
        .countDocuments({ model: { $regex: `^${marker}-` } })) ?? 0,
  },
];

describe('chaos: the API dies with a keyed write in flight (issue 15, item 4)', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  const running: RunningProcess[] = [];

  before(async () => {
    pipeline = await startPipeline();
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await pipeline.stop();
  });

  describe('between enqueuing a single write and storing its answer', () => {
    for (const crash of CASES) {
      it(`POST /${crash.service}: the retry with the same key answers the first write; one job, one row`, async () => {
        const key = randomUUID();
        const marker = `crash-${randomUUID().slice(0, 8)}`;
        const queue = queueOf(pipeline, crash.queue);

        const dying = await startApi(crash.service, true);
        running.push(dying.api);
        await sendToDyingApi(dying, (url) => crash.send(url, key, marker));
        expect(await jobsMentioning(queue, marker), 'the first attempt enqueued').to.have.length(1);

        const restarted = await startApi(crash.service, false);
        running.push(restarted.api);
        const retry = await retryPastLease(() => crash.send(restarted.url, key, marker));
        expect(retry.status, retry.text).to.equal(202);
        await eventually(async () => ((await unfinishedJobs([queue])) === 0 ? true : undefined));
        const jobs = await jobsMentioning(queue, marker);
        expect(jobs, 'one job for the write and its retry').to.have.length(1);
        expect(retry.body.job_id).to.equal(jobs[0]);
        // The answer names what the first attempt enqueued (same id, same clock reading;
        // an order's job also carries its tombstone flag, which answers leave out).
        const job = await queue.getJob(jobs[0] ?? '', crash.idOf(retry));
        expect(job?.data[crash.resourceKey]).to.deep.include(retry.body[crash.resourceKey]);
        expect(retry.headers.location).to.match(new RegExp(`/${String(crash.idOf(retry))}$`));
        expect(await crash.stored(pipeline, marker)).to.equal(1);

        // Answered now: a further retry replays that answer.
        const replay = await crash.send(restarted.url, key, marker);
        expect(replay.headers['idempotent-replayed']).to.equal('true');
        expect(replay.text).to.equal(retry.text);
      });
    }
  });

  describe('in the middle of a bulk request', () => {
    const usersQueue = () => queueOf(pipeline, 'persist-users');

    /** Seven users named after `marker` (item 4 is invalid: a 400 of its own, in no chunk). */
    function usersOf(marker: string): Record<string, unknown>[] {
      return Array.from({ length: 8 }, (_, i) =>
        i === 4 ? { name: '' } : { name: `${marker}-${i}` },
      );
    }

    const sendBulk = (url: string, key: string, items: unknown[]) =>
      http('POST', `${url}/users/bulk`, { json: items, headers: { 'Idempotency-Key': key } });

    /** Kills an API in the middle of the request: the first chunk is queued, nothing is answered. */
    async function crashAfterFirstChunk(key: string, marker: string): Promise<string[]> {
      const dying = await startApi('users', true, BULK_ENV);
      running.push(dying.api);
      await sendToDyingApi(dying, (url) => sendBulk(url, key, usersOf(marker)));
      const queued = await jobsMentioning(usersQueue(), marker);
      expect(queued, 'the first attempt enqueued its first chunk only').to.have.length(3);
      return queued;
    }

    const retry = (url: string, key: string, items: unknown[]) =>
      retryPastLease(() => sendBulk(url, key, items));

    async function storedUsers(marker: string): Promise<{ id: number; name: string }[]> {
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT id, name FROM users WHERE name LIKE ? ORDER BY id',
        [`${marker}-%`],
      );
      return rows.map((row) => ({ id: Number(row.id), name: String(row.name) }));
    }

    it('POST /users/bulk: the retry with the same key and body answers every item, each queued once, one row each', async () => {
      const key = randomUUID();
      const marker = `bulk-crash-${randomUUID().slice(0, 8)}`;
      const queue = usersQueue();
      const firstJobs = await crashAfterFirstChunk(key, marker);

      const restarted = await startApi('users', false, BULK_ENV);
      running.push(restarted.api);
      const answer = await retry(restarted.url, key, usersOf(marker));
      expect(answer.status, answer.text).to.equal(207);
      expect(answer.body).to.include({ result: true, accepted: 7, rejected: 1 });
      const items = answer.body.items as {
        index: number;
        status: number;
        user?: { id: number; name: string };
        job_id?: string;
      }[];
      expect(items.map((item) => item.index)).to.deep.equal([0, 1, 2, 3, 4, 5, 6, 7]);
      expect(items[4]?.status).to.equal(400);
      const accepted = items.filter((item) => item.status === 202);
      expect(accepted.map((item) => item.user?.name)).to.deep.equal(
        usersOf(marker)
          .filter((_, i) => i !== 4)
          .map((user) => user.name),
      );

      await eventually(async () => ((await unfinishedJobs([queue])) === 0 ? true : undefined));
      const jobs = await jobsMentioning(queue, marker);
      expect(jobs, 'one job per item, the first chunk not queued again').to.have.length(7);
      expect(new Set(jobs)).to.deep.equal(new Set(accepted.map((item) => item.job_id)));
      // The first chunk is answered as it was queued by the dead process: same ids, same clock reading.
      for (const item of accepted.slice(0, 3)) {
        expect(firstJobs).to.include(item.job_id);
        const job = await queue.getJob(item.job_id ?? '', item.user?.id ?? 0);
        expect(item.user).to.deep.equal(job?.data.user);
      }
      const rows = await storedUsers(marker);
      expect(rows, 'one row per item, under the id it was answered with').to.deep.equal(
        accepted.map((item) => ({ id: item.user?.id, name: item.user?.name })),
      );

      // Answered now: a further retry replays that answer.
      const replay = await sendBulk(restarted.url, key, usersOf(marker));
      expect(replay.headers['idempotent-replayed']).to.equal('true');
      expect(replay.text).to.equal(answer.text);
    });

    it('POST /users/bulk: a retry under the same key with a changed item is a 422 that queues nothing; the first body then still completes', async () => {
      const key = randomUUID();
      const marker = `bulk-crash-${randomUUID().slice(0, 8)}`;
      const queue = usersQueue();
      await crashAfterFirstChunk(key, marker);

      const restarted = await startApi('users', false, BULK_ENV);
      running.push(restarted.api);
      // Item 1 is in the chunk the dead process queued (a chunk it never reached cannot be told apart).
      const changed = usersOf(marker);
      changed[1] = { name: `${marker}-changed` };
      const refused = await retry(restarted.url, key, changed);
      expect(refused.status, refused.text).to.equal(422);
      expect(refused.body.result).to.equal(false);
      expect(refused.body.errors.join(' '))
        .to.match(/Idempotency-Key was already used for a different request/)
        .and.match(/items 0 to 2 differ/);
      expect(refused.headers['idempotent-replayed']).to.equal(undefined);
      expect(await jobsMentioning(queue, marker), 'nothing further queued').to.have.length(3);

      // The refusal kept the first attempt's plan: the first body, retried, completes it.
      const answer = await retry(restarted.url, key, usersOf(marker));
      expect(answer.status, answer.text).to.equal(207);
      expect(answer.body).to.include({ accepted: 7, rejected: 1 });
      await eventually(async () => ((await unfinishedJobs([queue])) === 0 ? true : undefined));
      expect(await jobsMentioning(queue, marker)).to.have.length(7);
      expect(await storedUsers(marker)).to.have.length(7);
    });

    for (const crash of BULK_CASES) {
      it(`POST ${crash.path}: the retry with the same key and body queues each item once, one row each`, async () => {
        const key = randomUUID();
        const marker = `bulk-${crash.service}-${randomUUID().slice(0, 8)}`;
        const queue = queueOf(pipeline, crash.queue);
        const send = (url: string) =>
          http('POST', `${url}${crash.path}`, {
            json: crash.items(marker),
            headers: { 'Idempotency-Key': key },
          });

        const dying = await startApi(crash.service, true, BULK_ENV);
        running.push(dying.api);
        await sendToDyingApi(dying, send);
        expect(await jobsMentioning(queue, marker), 'the first chunk only').to.have.length(3);

        const restarted = await startApi(crash.service, false, BULK_ENV);
        running.push(restarted.api);
        const answer = await retryPastLease(() => send(restarted.url));
        expect(answer.status, answer.text).to.be.oneOf([200, 202, 207]);
        expect(answer.body).to.include({ result: true, accepted: 7, rejected: 0 });
        await eventually(async () => ((await unfinishedJobs([queue])) === 0 ? true : undefined));
        expect(await jobsMentioning(queue, marker), 'one job per item').to.have.length(7);
        await eventually(
          async () => ((await crash.stored(pipeline, marker)) === 7 ? true : undefined),
          { what: `seven stored ${crash.service}` },
        );
        expect(await crash.stored(pipeline, marker)).to.equal(7);
      });
    }
  });
});
