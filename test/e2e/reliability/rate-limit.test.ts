import { expect } from 'chai';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

const car = { vehicle_manufacturer: 'Saab', model: '900', total_price: 1 };

describe('per-client rate limits (429 with Retry-After)', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { RATE_LIMIT_PER_MINUTE: '3', PUBLIC_RATE_LIMIT_PER_MINUTE: '4' },
    });
  });
  after(async () => {
    await pipeline.stop();
  });

  it('counts writes per client: the 4th write in a minute is 429, reads and probes go on', async () => {
    const orders = `${pipeline.urls.orders}/orders`;
    for (let i = 0; i < 3; i += 1) {
      const answer = await http('POST', orders, { json: car });
      expect(answer.status).to.equal(202);
      expect(answer.headers['ratelimit-remaining']).to.equal(String(2 - i));
    }
    const refused = await http('POST', orders, { json: car });
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers['retry-after'])).to.be.within(1, 60);
    expect(refused.body.errors).to.deep.equal([
      `too many requests from this client: at most 3 per minute; retry in ${refused.headers['retry-after']} s`,
    ]);
    expect((await http('GET', orders)).status).to.equal(200);
    expect((await http('GET', `${pipeline.urls.orders}/health`)).status).to.equal(200);
    // Each service has its own budget.
    const user = await http('POST', `${pipeline.urls.users}/users`, { form: { name: 'u' } });
    expect(user.status).to.equal(202);
  });

  it('counts every request to the public API, reads included', async () => {
    const url = `${pipeline.urls.public}/public-api/listings`;
    for (let i = 0; i < 4; i += 1) expect((await http('GET', url)).status).to.equal(200);
    const refused = await http('GET', url);
    expect(refused.status).to.equal(429);
    expect(Number(refused.headers['retry-after'])).to.be.within(1, 60);
    expect((await http('GET', `${pipeline.urls.public}/health`)).status).to.equal(200);
  });

  it('ignores X-Forwarded-For unless TRUST_PROXY is on', async () => {
    const url = `${pipeline.urls.public}/public-api/listings`;
    const spoofed = await http('GET', url, { headers: { 'X-Forwarded-For': '203.0.113.9' } });
    expect(spoofed.status).to.equal(429);
  });
});

describe('per-client rate limits behind a trusted proxy (TRUST_PROXY=true)', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { PUBLIC_RATE_LIMIT_PER_MINUTE: '2', TRUST_PROXY: 'true' },
    });
  });
  after(async () => {
    await pipeline.stop();
  });

  it('gives each forwarded client address its own budget', async () => {
    const url = `${pipeline.urls.public}/public-api/listings`;
    const as = (ip: string) => http('GET', url, { headers: { 'X-Forwarded-For': ip } });
    expect((await as('203.0.113.1')).status).to.equal(200);
    expect((await as('203.0.113.1')).status).to.equal(200);
    expect((await as('203.0.113.1')).status).to.equal(429);
    expect((await as('203.0.113.2')).status).to.equal(200);
  });
});
