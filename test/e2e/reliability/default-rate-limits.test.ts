import { expect } from 'chai';
import { http, type HttpAnswer } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';
import { ndjson } from '../../support/ndjson.js';

const lastLine = (answer: HttpAnswer) =>
  JSON.parse(answer.text.trim().split('\n').at(-1)!) as Record<string, unknown>;

/**
 * Issue 28: with `npm start`'s defaults (no rate-limit variable set), a
 * high-throughput client of an internal service is never throttled, and the
 * public API still holds each client to PUBLIC_RATE_LIMIT_PER_MINUTE (6000).
 */
describe('rate limits with no configuration (npm start defaults)', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      // Workers stopped: the queue only grows, and nothing but the budget could refuse.
      workers: false,
      // Empty is unset: the defaults apply (the test configuration turns both off).
      config: { RATE_LIMIT_PER_MINUTE: '', PUBLIC_RATE_LIMIT_PER_MINUTE: '' },
    });
  });
  after(() => pipeline.stop());

  it('never answers 429 to one client posting 10,000-item NDJSON bodies to /listings/bulk', async () => {
    const items = Array.from({ length: 10_000 }, (_, i) => ({
      user_id: 1 + (i % 50),
      listing_type: i % 2 ? 'rent' : 'sale',
      price: 1_000 + i,
    }));
    // 20,000 writes in seconds: far past the old default of 6000 a minute.
    for (let body = 0; body < 2; body += 1) {
      const answer = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
        raw: ndjson(items),
        headers: { 'content-type': 'application/x-ndjson' },
      });
      expect(answer.status, answer.text.slice(-300)).to.equal(202);
      expect(answer.headers['ratelimit-limit']).to.equal(undefined);
      expect(lastLine(answer)).to.deep.equal({ result: true, accepted: 10_000, rejected: 0 });
    }
  });

  it('the public API answers 429 past a client’s budget of 6000 a minute, bulk items included', async () => {
    const started = Date.now();
    const users = Array.from({ length: 10_000 }, (_, i) => ({ name: `budget ${i}` }));
    const answer = await http('POST', `${pipeline.urls.public}/public-api/users/bulk`, {
      raw: ndjson(users),
      headers: { 'content-type': 'application/x-ndjson' },
    });
    expect(answer.status, answer.text.slice(-300)).to.equal(429);
    expect(answer.headers['retry-after']).to.match(/^\d+$/);
    const summary = lastLine(answer);
    expect(summary).to.include({ result: false });
    // Items count, in chunks of 500: the budget, plus what refilled (100 a second) while it streamed.
    const refilled = (100 * (Date.now() - started)) / 1000;
    expect(summary.accepted)
      .to.be.at.least(6_000)
      .and.at.most(6_000 + refilled + 500);

    // What is left (under one chunk, plus the refill) goes in a burst of small requests.
    let refused: HttpAnswer | undefined;
    for (let round = 0; round < 20 && !refused; round += 1) {
      const burst = await Promise.all(
        Array.from({ length: 100 }, () => http('GET', `${pipeline.urls.public}/public-api/none`)),
      );
      refused = burst.find((a) => a.status === 429);
      for (const a of burst) expect(a.status).to.be.oneOf([404, 429]);
    }
    expect(refused, 'a 429 within 2,000 requests').to.not.equal(undefined);
    const retryAfter = refused!.headers['retry-after'];
    expect(Number(retryAfter)).to.be.within(1, 60);
    expect(refused!.headers['ratelimit-limit']).to.equal('6000');
    expect(refused!.headers['ratelimit-remaining']).to.equal('0');
    expect(refused!.body).to.deep.equal({
      result: false,
      code: 'SPW_RATE_LIMITED',
      errors: [
        `too many requests from this client: at most 6000 per minute; retry in ${retryAfter} s`,
      ],
    });
    // Probes are never counted.
    expect((await http('GET', `${pipeline.urls.public}/health`)).status).to.equal(200);
  });
});
