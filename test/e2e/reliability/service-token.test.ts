import { expect } from 'chai';
import { http } from '../../support/http.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

const TOKEN = 'test-service-token-0123456789';

describe('internal services require the service token when SERVICE_TOKEN is set', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({
      config: { SERVICE_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '2' },
    });
  });
  after(async () => {
    await pipeline.stop();
  });

  for (const service of ['users', 'listings'] as const) {
    it(`${service}: refuses a request without the token or with a wrong one (401)`, async () => {
      const url = `${pipeline.urls[service]}/${service}`;
      const missing = await http('GET', url);
      expect(missing.status).to.equal(401);
      expect(missing.body.errors).to.deep.equal([
        'this internal service requires a service token (Authorization: Bearer <token>)',
      ]);
      expect(missing.headers['www-authenticate']).to.match(/^Bearer/);
      const wrong = await http('GET', url, { headers: { Authorization: `Bearer ${TOKEN}x` } });
      expect(wrong.status).to.equal(401);
      expect(wrong.body.errors).to.deep.equal(['invalid service token']);
      const write = await http('POST', url, { form: { name: 'x' } });
      expect(write.status).to.equal(401);
    });

    it(`${service}: accepts the token as a bearer token or in X-Service-Token`, async () => {
      const url = `${pipeline.urls[service]}/${service}`;
      const bearer = await http('GET', url, { headers: { Authorization: `Bearer ${TOKEN}` } });
      expect(bearer.status).to.equal(200);
      const header = await http('GET', url, { headers: { 'X-Service-Token': TOKEN } });
      expect(header.status).to.equal(200);
    });

    it(`${service}: keeps /health, /ready, /metrics and the API docs open`, async () => {
      for (const path of ['/health', '/ready', '/metrics', '/api/openapi.json']) {
        const answer = await http('GET', `${pipeline.urls[service]}${path}`);
        expect(answer.status, path).to.equal(200);
      }
    });
  }

  it('the public API sends the token: its reads and writes work', async () => {
    const user = await http('POST', `${pipeline.urls.public}/public-api/users`, {
      json: { name: 'Token Holder' },
      headers: { Prefer: 'wait=10' },
    });
    expect(user.status).to.equal(201);
    const listing = await http('POST', `${pipeline.urls.public}/public-api/listings`, {
      json: { user_id: user.body.user.id, listing_type: 'rent', price: 5 },
      headers: { Prefer: 'wait=10' },
    });
    expect(listing.status).to.equal(201);
    const page = await http('GET', `${pipeline.urls.public}/public-api/listings`);
    expect(page.body.listings[0].user).to.deep.equal(user.body.user);
  });

  it('does not count token holders against the per-address write limit', async () => {
    for (let i = 0; i < 4; i += 1) {
      const answer = await http('POST', `${pipeline.urls.users}/users`, {
        form: { name: `trusted ${i}` },
        headers: { Authorization: `Bearer ${TOKEN}` },
      });
      expect(answer.status).to.equal(202);
    }
  });

  it('does not ask for the token on services meant to be reached directly (customers, orders)', async () => {
    expect((await http('GET', `${pipeline.urls.customers}/customers`)).status).to.equal(200);
    expect((await http('GET', `${pipeline.urls.orders}/orders`)).status).to.equal(200);
  });
});
