import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import type { ServiceName } from '../../config/index.js';
import { eventually } from '../support/eventually.js';
import { http, type HttpAnswer } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort, runEntry, type RunningProcess } from '../support/processes.js';
import { unfinishedJobs } from '../support/queue-jobs.js';
import type { ShardedQueue } from '../../shared/jobs/sharded-queue.js';
import { testEnv } from '../support/test-config.js';

/** Port variables of the services a case runs in its own process. */
const PORT_VARIABLE: Partial<Record<ServiceName, string>> = {
  users: 'USER_SERVICE_PORT',
  customers: 'CUSTOMER_SERVICE_PORT',
  orders: 'ORDER_SERVICE_PORT',
};

/** One API process serving `service`; with `die`, it kills itself after a keyed write enqueued. */
async function startApi(
  service: ServiceName,
  die: boolean,
): Promise<{ api: RunningProcess; url: string }> {
  const port = await freePort();
  const api = runEntry(
    'api/main.ts',
    ['--service', service],
    testEnv({
      [PORT_VARIABLE[service] ?? '']: String(port),
      LOG_LEVEL: 'warn',
      // The dead process's lease runs out a second after the crash, not two minutes.
      IDEMPOTENCY_PENDING_TTL_SECONDS: '1',
      ...(die && { IDEMPOTENCY_TEST_DIE_BEFORE_ANSWER: 'true' }),
    }),
  );
  const url = `http://127.0.0.1:${port}`;
  await eventually(
    async () =>
      (await http('GET', `${url}/health`).catch(() => undefined))?.status === 200
        ? true
        : undefined,
    { timeoutMs: 30_000, what: `the ${service} API to listen\n${api.output()}` },
  );
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

describe('chaos: the API dies between enqueuing a keyed write and storing its answer (issue 15, item 4)', function () {
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

  for (const crash of CASES) {
    it(`POST /${crash.service}: the retry with the same key answers the first write; one job, one row`, async () => {
      const key = randomUUID();
      const marker = `crash-${randomUUID().slice(0, 8)}`;
      const found = pipeline.apps.queues.find((q) => q.name === crash.queue);
      if (!found) throw new Error(`no queue ${crash.queue}`);
      const queue = found as ShardedQueue<Record<string, unknown>>;

      const dying = await startApi(crash.service, true);
      running.push(dying.api);
      const lost = await crash.send(dying.url, key, marker).then(
        (answer) => `answered ${answer.status}`,
        () => 'no answer',
      );
      expect(lost, 'the client must see the crash, not an answer').to.equal('no answer');
      const exit = await dying.api.stop();
      expect(exit.code, 'killed by its own SIGKILL').to.equal(null);
      expect(await jobsMentioning(queue, marker), 'the first attempt enqueued').to.have.length(1);

      const restarted = await startApi(crash.service, false);
      running.push(restarted.api);
      // 409 (in progress) until the dead process's lease has run out.
      const retry = await eventually(
        async () => {
          const answer = await crash.send(restarted.url, key, marker);
          return answer.status === 409 ? undefined : answer;
        },
        { timeoutMs: 15_000, intervalMs: 250, what: 'the retry to get past 409' },
      );
      expect(retry.status, retry.text).to.equal(202);
      await eventually(async () => ((await unfinishedJobs([queue])) === 0 ? true : undefined));
      const jobs = await jobsMentioning(queue, marker);
      expect(jobs, 'one job for the write and its retry').to.have.length(1);
      expect(retry.body.job_id).to.equal(jobs[0]);
      // The answer names what the first attempt enqueued (same id, same clock reading).
      const job = await queue.getJob(jobs[0] ?? '', crash.idOf(retry));
      expect(retry.body[crash.resourceKey]).to.deep.equal(job?.data[crash.resourceKey]);
      expect(retry.headers.location).to.match(new RegExp(`/${String(crash.idOf(retry))}$`));
      expect(await crash.stored(pipeline, marker)).to.equal(1);

      // Answered now: a further retry replays that answer.
      const replay = await crash.send(restarted.url, key, marker);
      expect(replay.headers['idempotent-replayed']).to.equal('true');
      expect(replay.text).to.equal(retry.text);
    });
  }
});
