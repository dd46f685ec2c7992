import { expect } from 'chai';
import { request } from 'undici';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

/**
 * The seeds' own clients, exchange by exchange, as they send them (§2.2,
 * §2.4, §3.1): Spillway must answer them the way the seed services did.
 */
describe('the seeds’ own clients, unchanged (spec §2.2, §2.4, §3.1)', function () {
  this.timeout(60_000);
  let pipeline: Pipeline;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline();
  });
  after(() => pipeline.stop());

  describe('seed 000 (customers)', () => {
    it('PUT /customer with a JSON body and no Content-Type: the request’s fields with "uuid" beside them', async () => {
      const sent = { username: unique('seed0'), address: '1 Main St', income: 52000.5 };
      // The seed's client sends the JSON text with no Content-Type header at all.
      const answer = await request(`${pipeline.urls.customers}/customer`, {
        method: 'PUT',
        body: JSON.stringify(sent),
      });
      const body = (await answer.body.json()) as Record<string, unknown>;
      expect(answer.headers['content-type']).to.match(/^application\/json/);
      expect(answer.statusCode).to.be.oneOf([201, 202]);
      expect(body.uuid)
        .to.be.a('string')
        .and.match(/^[0-9a-f-]{36}$/);
      expect(body).to.deep.equal({ ...sent, uuid: body.uuid });
    });

    it('GET /customer?uuid= right after the PUT: the customer at the top level, created as YYYY-MM-DD', async () => {
      const sent = { username: unique('seed0'), address: '2 Main St', income: '100.00' };
      const put = await request(`${pipeline.urls.customers}/customer`, {
        method: 'PUT',
        body: JSON.stringify(sent),
      });
      const { uuid } = (await put.body.json()) as { uuid: string };
      const read = await http('GET', `${pipeline.urls.customers}/customer?uuid=${uuid}`);
      expect(read.status).to.equal(200);
      expect(read.body).to.include({ ...sent, uuid });
      expect(read.body.created).to.equal(new Date().toISOString().slice(0, 10));
      expect(read.body).to.not.have.property('customer');
    });

    it('keeps the REST routes in Spillway’s envelope', async () => {
      const answer = await http('POST', `${pipeline.urls.customers}/customers`, {
        json: { username: unique('rest'), address: 'x', income: 1 },
      });
      expect(answer.body).to.have.keys('result', 'customer', 'job_id');
    });
  });

  describe('seed 004 (listings, public API)', () => {
    it('a user_id filter that matches nothing, 0 included, is an empty list on both services', async () => {
      for (const url of [
        `${pipeline.urls.listings}/listings?user_id=0`,
        `${pipeline.urls.public}/public-api/listings?user_id=0`,
        `${pipeline.urls.listings}/listings?user_id=-5`,
      ]) {
        const answer = await http('GET', url);
        expect(answer.status, url).to.equal(200);
        expect(answer.body, url).to.deep.equal({ result: true, listings: [] });
      }
    });

    it('answers bad listings in the pre-built listing service’s words', async () => {
      const answer = await http('POST', `${pipeline.urls.listings}/listings`, {
        form: { user_id: 'x', listing_type: 'lease', price: '1.5' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body.errors).to.have.members([
        'invalid user_id',
        "invalid listing_type. Supported values: 'rent', 'sale'",
        'invalid price. Must be an integer',
      ]);
      const zero = await http('POST', `${pipeline.urls.listings}/listings`, {
        form: { user_id: '1', listing_type: 'rent', price: '0' },
      });
      expect(zero.body.errors).to.deep.equal(['price must be greater than 0']);
      const page = await http('GET', `${pipeline.urls.listings}/listings?page_num=0`);
      expect(page.body.errors).to.deep.equal(['invalid page_num']);
    });

    it('POST /public-api/listings takes "user_id": "1" (a numeric JSON string)', async () => {
      const user = await http('POST', `${pipeline.urls.public}/public-api/users`, {
        json: { name: 'Seed Four' },
        headers: { Prefer: 'wait=10' },
      });
      const answer = await http('POST', `${pipeline.urls.public}/public-api/listings`, {
        json: { user_id: String(user.body.user.id), listing_type: 'rent', price: '500' },
      });
      expect(answer.status, answer.text).to.be.oneOf([201, 202]);
      expect(answer.body.listing).to.include({ user_id: user.body.user.id, price: 500 });
    });
  });

  describe('seed 001 (people)', () => {
    it('takes {"age": "31"} in JSON as the integer 31; "31.5" is still a 400', async () => {
      const answer = await http('POST', `${pipeline.urls.people}/people`, {
        json: { first: 'Ada', last: 'Lovelace', age: '31' },
      });
      expect(answer.status, answer.text).to.equal(202);
      expect(answer.body.person.age).to.equal(31);
      const fractional = await http('POST', `${pipeline.urls.people}/people`, {
        json: { first: 'Ada', last: 'Lovelace', age: '31.5' },
      });
      expect(fractional.status).to.equal(400);
      expect(fractional.body.errors).to.deep.equal(['age must be an integer']);
    });
  });
});
