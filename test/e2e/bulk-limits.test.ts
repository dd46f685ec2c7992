import { expect } from 'chai';
import { request as httpRequest } from 'node:http';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { ndjson } from '../support/ndjson.js';

const users = (tag: string, from: number, to: number) =>
  Array.from({ length: to - from }, (_, i) => ({ name: `${tag} ${from + i}` }));

/** Jobs the users' persist queue holds in any state. */
async function usersJobs(pipeline: Pipeline): Promise<number> {
  const queue = pipeline.apps.queues.find((q) => q.name === 'persist-users')!;
  const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'completed', 'failed');
  return Object.values(counts).reduce((sum, n) => sum + n, 0);
}

describe('bulk intake limits (spec §7): what a stopped request enqueued, and what it did not', function () {
  this.timeout(60_000);

  describe('the item limit and the rate limit (workers stopped, so every job stays countable)', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline({
        workers: false,
        config: { BULK_MAX_ITEMS: '120', BULK_CHUNK_SIZE: '50', RATE_LIMIT_PER_MINUTE: '200' },
      });
    });
    after(() => pipeline.stop());

    it('more items than BULK_MAX_ITEMS is a 413 naming the limit; nothing past the limit is enqueued', async () => {
      const answer = await http('POST', `${pipeline.urls.users}/users/bulk`, {
        json: users('limit', 0, 200),
      });
      expect(answer.status).to.equal(413);
      expect(answer.body.errors[0]).to.match(/at most 120 \(BULK_MAX_ITEMS\)/);
      expect(answer.body).to.include({ result: false, accepted: 120, processed: 120 });
      expect(answer.body.items).to.have.length(120);
      expect(await usersJobs(pipeline)).to.equal(120);
      // The client's next request (on the same keep-alive pool) is answered as usual.
      const next = await http('GET', `${pipeline.urls.users}/health`);
      expect(next.status).to.equal(200);
    });

    it('items, not requests, spend the rate limit: the chunk that passes it is refused with 429', async () => {
      const before = await usersJobs(pipeline);
      const answer = await http('POST', `${pipeline.urls.users}/users/bulk`, {
        raw: ndjson(users('rate', 0, 100)),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      // 120 items spent above; 50 more fit under 200, the next 50 do not.
      expect(answer.status).to.equal(429);
      expect(answer.headers['retry-after']).to.match(/^\d+$/);
      const summary = JSON.parse(answer.text.trim().split('\n').at(-1)!) as Record<string, unknown>;
      expect(summary).to.include({ result: false, accepted: 50, processed: 50 });
      expect(await usersJobs(pipeline)).to.equal(before + 50);
    });
  });

  describe('backpressure counts items', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline({
        workers: false,
        config: {
          BULK_CHUNK_SIZE: '100',
          BACKPRESSURE_MAX_WAITING: '150',
          // One count for the whole test: the request's own chunks must count each other.
          BACKPRESSURE_CHECK_INTERVAL_MS: '60000',
        },
      });
    });
    after(() => pipeline.stop());

    it('refuses the chunk that would pass the bound with 503 + Retry-After, keeping the ones before it', async () => {
      const answer = await http('POST', `${pipeline.urls.users}/users/bulk`, {
        json: users('pressure', 0, 400),
      });
      expect(answer.status).to.equal(503);
      expect(answer.headers['retry-after']).to.match(/^\d+$/);
      expect(answer.body).to.include({ accepted: 100, processed: 100 });
      expect(await usersJobs(pipeline)).to.equal(100);
    });
  });

  describe('a client that disconnects mid-body', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline({ config: { BULK_CHUNK_SIZE: '100' } });
    });
    after(() => pipeline.stop());

    async function storedUsers(tag: string): Promise<number[]> {
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT id FROM users WHERE name LIKE ? ORDER BY id',
        [`${tag} %`],
      );
      return rows.map((row) => Number(row.id));
    }

    it('keeps the whole chunks it enqueued, drops the one it was reading, and its key replays what was enqueued', async () => {
      const tag = `gone-${Date.now()}`;
      const key = `disconnect-${tag}`;
      const url = new URL(`${pipeline.urls.users}/users/bulk`);
      const request = httpRequest(url, {
        method: 'POST',
        headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key },
      });
      request.on('error', () => undefined);
      request.write(ndjson(users(tag, 0, 250)));
      // Two chunks of 100 are enqueued (and persisted); 50 items wait in the open chunk.
      await eventually(async () => ((await storedUsers(tag)).length === 200 ? true : undefined), {
        what: 'the first two chunks in MySQL',
      });
      request.write(ndjson(users(tag, 250, 280)));
      request.destroy();

      // The same request again under the same key: once the first is settled, its answer is replayed.
      const body = ndjson(users(tag, 0, 280));
      const replay = await eventually(
        async () => {
          const answer = await http('POST', url.href, {
            raw: body,
            headers: { 'content-type': 'application/x-ndjson', 'idempotency-key': key },
          });
          return answer.status === 409 ? undefined : answer;
        },
        { what: 'the first request to settle' },
      );
      expect(replay.headers['idempotent-replayed']).to.equal('true');
      const out = replay.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as Record<string, unknown>);
      const summary = out.at(-1)!;
      expect(summary).to.include({ result: false, accepted: 200, processed: 200 });
      expect(summary.errors).to.deep.equal(['request body ended early']);
      const answeredIds = out.slice(0, -1).map((line) => (line.user as { id: number }).id);

      const queue = pipeline.apps.queues.find((q) => q.name === 'persist-users')!;
      await eventually(
        async () => {
          const counts = await queue.getJobCounts('waiting', 'active', 'delayed');
          return Object.values(counts).every((n) => n === 0) ? true : undefined;
        },
        { what: 'the users queue to drain' },
      );
      expect(await storedUsers(tag)).to.deep.equal(answeredIds.sort((a, b) => a - b));
    });
  });
});
