import { expect } from 'chai';
import { idCounterKey } from '../../shared/infra/redis/redis-keys.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { unfinishedJobs } from '../support/queue-jobs.js';

const HEADER = 'ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation';

/** A CSV of `count` people with ids from `first`. */
function csvOf(first: number, count: number): string {
  const rows = Array.from({ length: count }, (_, i) => `${first + i},First${i},Last${i},30,,`);
  return [HEADER, ...rows].join('\n');
}

function importCsv(pipeline: Pipeline, csv: string) {
  return http('POST', `${pipeline.urls.people}/people/import`, {
    raw: csv,
    headers: { 'content-type': 'text/csv' },
  });
}

/**
 * §9: a 2xx only for a write the workers can store — ids stay within what
 * MySQL, Mongo and JSON numbers hold exactly; §3.7: a CSV import counts its rows.
 */
describe('people: storable ids and imports counted by rows (spec §3.7, §9)', function () {
  this.timeout(60_000);

  describe('ids', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline();
    });
    after(() => pipeline.stop());

    it('refuses, by line, import rows whose id is past 2^53 or past PEOPLE_MAX_IMPORT_ID, and POST /people still works after', async () => {
      const csv = [HEADER, `${2 ** 53},Too,Big,,,`, `${2 ** 53 - 1},Max,Safe,,,`, '17,Fine,Row,,,'];
      const answer = await importCsv(pipeline, csv.join('\n'));
      expect(answer.status).to.equal(202);
      expect(answer.body.counts).to.deep.include({ accepted: 1, invalid: 2 });
      const lines = answer.body.problems.map((p: { line: number }) => p.line);
      expect(lines).to.deep.equal([2, 3]);
      expect(answer.body.problems[1].errors[0]).to.include('PEOPLE_MAX_IMPORT_ID');

      const person = await http('POST', `${pipeline.urls.people}/people`, {
        json: { first: 'After', last: 'Import' },
        headers: { Prefer: 'wait=10' },
      });
      expect(person.status, person.text).to.equal(201);
      expect(person.body.person.id).to.be.at.most(Number.MAX_SAFE_INTEGER);
    });

    it('refuses a write when the counter has no storable id left (507, a clear code), and queues nothing', async () => {
      const counter = idCounterKey(pipeline.config.queue.prefix, 'users');
      const saved = await pipeline.connections.queueRedis.get(counter);
      await pipeline.connections.queueRedis.set(counter, String(Number.MAX_SAFE_INTEGER));
      try {
        const answer = await http('POST', `${pipeline.urls.users}/users`, { json: { name: 'x' } });
        expect(answer.status).to.equal(507);
        expect(answer.body).to.deep.include({ result: false, code: 'SPW_ID_SPACE_EXHAUSTED' });
        expect(answer.body.errors[0]).to.include(String(Number.MAX_SAFE_INTEGER));
      } finally {
        await pipeline.connections.queueRedis.set(counter, saved ?? '0');
      }
    });
  });

  describe('a CSV import counts its rows against backpressure', () => {
    let pipeline: Pipeline;
    before(async () => {
      // No workers: what is queued stays queued, so the bound is reached for sure.
      pipeline = await startPipeline({
        workers: false,
        config: { BACKPRESSURE_MAX_WAITING: '500', BACKPRESSURE_CHECK_INTERVAL_MS: '0' },
      });
    });
    after(() => pipeline.stop());

    it('refuses a 1,000-row import that would pass the bound (503), while a 400-row one fits', async () => {
      const small = await importCsv(pipeline, csvOf(1, 400));
      expect(small.status, small.text).to.equal(202);
      expect(small.body.counts.accepted).to.equal(400);
      const large = await importCsv(pipeline, csvOf(10_001, 1000));
      expect(large.status, large.text).to.equal(503);
      expect(large.body.code).to.equal('SPW_OVERLOADED');
      expect(await unfinishedJobs(pipeline.apps.queues.flatMap((q) => q.shards))).to.equal(400);
    });
  });

  describe('a CSV import counts its rows against the rate limit', () => {
    let pipeline: Pipeline;
    before(async () => {
      pipeline = await startPipeline({ workers: false, config: { RATE_LIMIT_PER_MINUTE: '500' } });
    });
    after(() => pipeline.stop());

    it('answers 429 to a 1,000-row import from a client allowed 500 writes a minute', async () => {
      const answer = await importCsv(pipeline, csvOf(20_001, 1000));
      expect(answer.status, answer.text).to.equal(429);
      expect(answer.body.code).to.equal('SPW_RATE_LIMITED');
    });
  });
});
