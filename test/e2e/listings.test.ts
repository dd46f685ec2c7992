import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { emptyCache } from '../support/stores.js';

describe('listing service (spec §2.2), HTTP in → MySQL row and Mongo document out', () => {
  let pipeline: Pipeline;
  let base: string;

  before(async () => {
    pipeline = await startPipeline();
    base = pipeline.urls.listings;
  });
  after(() => pipeline.stop());

  it('GET /listings/ping answers pong!', async () => {
    const answer = await http('GET', `${base}/listings/ping`);
    expect(answer.status).to.equal(200);
    expect(answer.text).to.equal('pong!');
  });

  describe('POST /listings', () => {
    it('accepts form fields (strings coerced to integers) with 202 and the full listing', async () => {
      const answer = await http('POST', `${base}/listings`, {
        form: { user_id: '7', listing_type: 'rent', price: '6000' },
      });
      expect(answer.status).to.equal(202);
      expect(answer.body.result).to.equal(true);
      const listing = answer.body.listing;
      expect(listing).to.have.all.keys(
        'id',
        'user_id',
        'listing_type',
        'price',
        'created_at',
        'updated_at',
      );
      expect(listing).to.include({ user_id: 7, listing_type: 'rent', price: 6000 });
      expect(answer.headers.location).to.equal(`/listings/${listing.id}`);
      expect(answer.headers['x-job-id']).to.equal(answer.body.job_id);
    });

    it('persists a JSON listing to MySQL and Mongo with identical fields', async () => {
      const answer = await http('POST', `${base}/listings`, {
        json: { user_id: 3, listing_type: 'sale', price: 250000 },
      });
      const listing = answer.body.listing;
      const row = await eventually(async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT id, user_id, listing_type, price, created_at, updated_at FROM listings WHERE id = ?',
          [listing.id],
        );
        return rows[0];
      });
      expect({ ...row }).to.deep.equal(listing);
      const doc = await eventually(
        async () =>
          (await pipeline.connections.mongo
            .db!.collection('listings')
            .findOne({ _id: listing.id })) ?? undefined,
      );
      const { _id, version, deleted, ...fields } = doc;
      expect({ id: _id, ...fields }).to.deep.equal(listing);
      expect(version).to.equal(1);
      expect(deleted).to.equal(false);
    });

    it('names each bad field with the messages of the spec', async () => {
      const answer = await http('POST', `${base}/listings`, {
        form: { user_id: '1', listing_type: 'lease', price: '0' },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.include({
        result: false,
        errors: [
          "invalid listing_type. Supported values: 'rent', 'sale'",
          'price must be greater than 0',
        ],
      });
    });

    it('refuses missing fields, non-integers and unknown fields', async () => {
      const missing = await http('POST', `${base}/listings`, { json: { listing_type: 'rent' } });
      expect(missing.status).to.equal(400);
      expect(missing.body.errors).to.have.members(['user_id is required', 'price is required']);
      const wrongType = await http('POST', `${base}/listings`, {
        json: { user_id: 'abc', listing_type: 'rent', price: 1.5 },
      });
      // The seed's pre-built listing service's words (§2.2).
      expect(wrongType.body.errors).to.have.members([
        'invalid user_id',
        'invalid price. Must be an integer',
      ]);
      const extra = await http('POST', `${base}/listings`, {
        json: { user_id: 1, listing_type: 'rent', price: 5, discount: 2 },
      });
      expect(extra.body.errors).to.deep.equal(['unknown field discount']);
    });
  });

  describe('GET /listings', () => {
    before(async () => {
      await pipeline.connections.mysql.query('DELETE FROM listings');
      await emptyCache(pipeline.connections);
      for (let i = 1; i <= 6; i += 1) {
        await http('POST', `${base}/listings`, {
          json: { user_id: i % 2 === 0 ? 100 : 200, listing_type: 'rent', price: i },
          headers: { Prefer: 'wait=10' },
        });
      }
    });

    it('pages newest first', async () => {
      const answer = await http('GET', `${base}/listings?page_num=1&page_size=4`);
      expect(answer.status).to.equal(200);
      expect(answer.body.result).to.equal(true);
      expect(answer.body.listings.map((l: { price: number }) => l.price)).to.deep.equal([
        6, 5, 4, 3,
      ]);
      const second = await http('GET', `${base}/listings?page_num=2&page_size=4`);
      expect(second.body.listings.map((l: { price: number }) => l.price)).to.deep.equal([2, 1]);
    });

    it('filters by user_id', async () => {
      const answer = await http('GET', `${base}/listings?user_id=100`);
      expect(answer.body.listings.map((l: { price: number }) => l.price)).to.deep.equal([6, 4, 2]);
      expect(answer.body.listings.every((l: { user_id: number }) => l.user_id === 100)).to.equal(
        true,
      );
    });

    it('refuses a bad page_num, page_size or user_id with 400 naming it', async () => {
      for (const [query, message] of [
        ['page_num=-1', 'invalid page_num'],
        ['page_size=x', 'invalid page_size'],
        ['user_id=abc', 'invalid user_id'],
        ['sort=price', 'unknown field sort'],
      ]) {
        const answer = await http('GET', `${base}/listings?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
    });
  });
});
