import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPublicApi, type PublicApi } from '../support/public-api.js';

const LISTING_KEYS = ['id', 'listing_type', 'price', 'created_at', 'updated_at', 'user'];
const USER_KEYS = ['id', 'name', 'created_at', 'updated_at'];

describe('public API (spec §2.3), over the user and listing services’ HTTP APIs only', () => {
  let pipeline: Pipeline;
  // The public API under test reaches both services through counting proxies on loopback.
  let usersProxy: CountingProxy;
  let listingsProxy: CountingProxy;
  let api: PublicApi;
  let base: string;

  before(async () => {
    pipeline = await startPipeline();
    usersProxy = await startCountingProxy(pipeline.urls.users);
    listingsProxy = await startCountingProxy(pipeline.urls.listings);
    api = await startPublicApi(pipeline, {
      USERS_BASE_URL: usersProxy.url,
      LISTINGS_BASE_URL: listingsProxy.url,
      PUBLIC_USER_CHECK_WAIT_MS: '2000',
    });
    base = `${api.url}/public-api`;
  });
  after(async () => {
    await api.close();
    await Promise.all([usersProxy.close(), listingsProxy.close()]);
    await pipeline.stop();
  });
  beforeEach(() => {
    usersProxy.requests.length = 0;
    listingsProxy.requests.length = 0;
  });

  async function persistedUser(name: string) {
    const answer = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name },
      headers: { Prefer: 'wait=10' },
    });
    expect(answer.status).to.equal(201);
    return answer.body.user;
  }

  async function persistedListing(user_id: number, price: number) {
    const answer = await http('POST', `${pipeline.urls.listings}/listings`, {
      json: { user_id, listing_type: price % 2 ? 'rent' : 'sale', price },
      headers: { Prefer: 'wait=10' },
    });
    expect(answer.status).to.equal(201);
    return answer.body.listing;
  }

  describe('GET /public-api/listings', () => {
    const users: Record<number, unknown> = {};
    let orphanId: number;

    before(async () => {
      const [ann, ben, cat] = await Promise.all(['Ann', 'Ben', 'Cat'].map(persistedUser));
      for (const user of [ann, ben, cat]) users[user.id] = user;
      // 12 listings over 3 users, one at a time so each has its own created_at.
      for (let i = 0; i < 12; i += 1) await persistedListing([ann, ben, cat][i % 3].id, 1000 + i);
      // The listing service does not check users, so a listing can name one that does not exist.
      orphanId = (await persistedListing(987_654_321, 5)).id;
    });

    it('embeds each listing’s user, in the listing service’s order, with exactly the spec’s fields', async () => {
      const internal = await http('GET', `${pipeline.urls.listings}/listings?page_size=13`);
      const answer = await http('GET', `${base}/listings?page_num=1&page_size=13`);
      expect(answer.status).to.equal(200);
      expect(answer.body.result).to.equal(true);
      expect(answer.body.listings).to.have.length(13);
      expect(answer.body.listings.map((l: { id: number }) => l.id)).to.deep.equal(
        internal.body.listings.map((l: { id: number }) => l.id),
      );
      for (const [i, listing] of answer.body.listings.entries()) {
        const source = internal.body.listings[i];
        expect(listing).to.have.all.keys(...LISTING_KEYS);
        expect(listing).not.to.have.property('user_id');
        const { user_id, ...rest } = source;
        expect({ ...listing, user: undefined }).to.deep.equal({ ...rest, user: undefined });
        if (listing.id === orphanId) continue;
        expect(listing.user).to.have.all.keys(...USER_KEYS);
        expect(listing.user).to.deep.equal(users[user_id]);
      }
    });

    it('asks the user service once per page, with every distinct user id in that one request', async () => {
      const answer = await http('GET', `${base}/listings?page_size=13`);
      expect(answer.status).to.equal(200);
      expect(listingsProxy.requests).to.deep.equal(['GET /listings?page_num=1&page_size=13']);
      expect(usersProxy.requests).to.have.length(1);
      const [request] = usersProxy.requests;
      const ids = new URL(request ?? '', 'http://x').searchParams.get('ids')?.split(',') ?? [];
      expect(request).to.match(/^GET \/users\?ids=/);
      expect(ids.map(Number).sort()).to.deep.equal(
        [...Object.keys(users).map(Number), 987_654_321].sort(),
      );
    });

    it('gives a listing whose user does not exist `user: null`', async () => {
      const answer = await http('GET', `${base}/listings?page_size=13`);
      const orphan = answer.body.listings.find((l: { id: number }) => l.id === orphanId);
      expect(orphan.user).to.equal(null);
    });

    it('filters by user_id and pages like the listing service', async () => {
      const [userId] = Object.keys(users).map(Number);
      const answer = await http('GET', `${base}/listings?user_id=${userId}&page_size=3&page_num=2`);
      expect(answer.status).to.equal(200);
      expect(answer.body.listings).to.have.length(1);
      expect(answer.body.listings[0].user).to.deep.equal(users[userId!]);
      expect(usersProxy.requests).to.deep.equal([`GET /users?ids=${userId}`]);
    });

    it('asks the user service nothing for an empty page', async () => {
      const answer = await http('GET', `${base}/listings?page_num=999`);
      expect(answer.body).to.deep.equal({ result: true, listings: [] });
      expect(usersProxy.requests).to.deep.equal([]);
    });

    it('refuses bad parameters with 400 naming them, without calling either service', async () => {
      for (const [query, message] of [
        ['page_num=0', 'invalid page_num'],
        ['page_size=101', 'invalid page_size'],
        ['user_id=abc', 'invalid user_id'],
        ['colour=red', 'unknown field colour'],
      ]) {
        const answer = await http('GET', `${base}/listings?${query}`);
        expect(answer.status, query).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
      expect([...usersProxy.requests, ...listingsProxy.requests]).to.deep.equal([]);
    });
  });

  describe('GET /public-api/listings/{id}', () => {
    it('answers an unknown listing with 404 and a bad id with 400, asking no user', async () => {
      const missing = await http('GET', `${base}/listings/987654322`);
      expect(missing.status).to.equal(404);
      expect(missing.body).to.deep.include({
        result: false,
        errors: ['listing 987654322 not found'],
      });
      const bad = await http('GET', `${base}/listings/abc`);
      expect(bad.status).to.equal(400);
      expect(bad.body).to.deep.include({ result: false, errors: ['invalid id'] });
      expect(usersProxy.requests).to.deep.equal([]);
    });
  });

  describe('POST /public-api/users', () => {
    it('creates a user through the user service: 202, the user, a public Location and the job id', async () => {
      const answer = await http('POST', `${base}/users`, { json: { name: '  Dora ' } });
      expect(answer.status).to.equal(202);
      expect(answer.body.result).to.equal(true);
      expect(answer.body.user).to.have.all.keys(...USER_KEYS);
      expect(answer.body.user.name).to.equal('Dora');
      expect(answer.headers.location).to.equal(`/public-api/users/${answer.body.user.id}`);
      expect(answer.body.job_id).to.equal(answer.headers['x-job-id']).and.not.be.empty;
      expect(usersProxy.requests).to.deep.equal(['POST /users']);
      const stored = await eventually(async () => {
        const read = await http('GET', `${base}/users/${answer.body.user.id}`);
        return read.status === 200 ? read.body.user : undefined;
      });
      expect(stored).to.deep.equal(answer.body.user);
    });

    it('passes Prefer: wait on, answering 201 once the user is persisted', async () => {
      const answer = await http('POST', `${base}/users`, {
        json: { name: 'Eve' },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
        'SELECT name FROM users WHERE id = ?',
        [answer.body.user.id],
      );
      expect(rows.map((r) => r.name)).to.deep.equal(['Eve']);
    });

    it('refuses bad input with 400 naming the field, without calling the user service', async () => {
      for (const [body, message] of [
        [{}, 'name is required'],
        [{ name: '  ' }, 'name must not be empty'],
        [{ name: 'x'.repeat(201) }, 'name must be at most 200 characters'],
        [{ name: 'ok', admin: true }, 'unknown field admin'],
      ] as const) {
        const answer = await http('POST', `${base}/users`, { json: body });
        expect(answer.status, JSON.stringify(body)).to.equal(400);
        expect(answer.body).to.deep.include({ result: false, errors: [message] });
      }
      expect(usersProxy.requests).to.deep.equal([]);
    });

    it('answers an unknown public user id with 404', async () => {
      const answer = await http('GET', `${base}/users/987654320`);
      expect(answer.status).to.equal(404);
      expect(answer.body).to.deep.include({ result: false, errors: ['user 987654320 not found'] });
    });
  });

  describe('POST /public-api/listings', () => {
    it('checks the user through the user service, then creates the listing with the user embedded', async () => {
      const user = await persistedUser('Finn');
      usersProxy.requests.length = 0;
      const answer = await http('POST', `${base}/listings`, {
        json: { user_id: user.id, listing_type: 'sale', price: 250_000 },
      });
      expect(answer.status).to.equal(202);
      // Seed 004's shape: the listing as stored, user_id included, its user beside it.
      const { user_id: userId, ...listing } = answer.body.listing;
      expect(answer.body.listing).to.have.all.keys('user_id', ...LISTING_KEYS);
      expect(userId).to.equal(user.id);
      expect(listing).to.include({ listing_type: 'sale', price: 250_000 });
      expect(listing.user).to.deep.equal(user);
      expect(answer.headers.location).to.equal(`/public-api/listings/${listing.id}`);
      expect(usersProxy.requests).to.deep.equal([`GET /users/${user.id}`]);
      expect(listingsProxy.requests).to.deep.equal(['POST /listings']);
      const row = await eventually(async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT user_id, listing_type, price FROM listings WHERE id = ?',
          [listing.id],
        );
        return rows[0];
      });
      expect({ ...row }).to.deep.equal({ user_id: user.id, listing_type: 'sale', price: 250_000 });
      const read = await http('GET', `${base}/listings/${listing.id}`);
      expect(read.body).to.deep.equal({ result: true, listing });
    });

    it('answers 201 with Prefer: wait once the listing is persisted', async () => {
      const user = await persistedUser('Gus');
      const answer = await http('POST', `${base}/listings`, {
        json: { user_id: user.id, listing_type: 'rent', price: 900 },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status).to.equal(201);
      expect(answer.headers['preference-applied']).to.equal('wait');
    });

    it('refuses an unknown user_id with 422 and a clear message, after re-checking, queuing nothing', async () => {
      const started = Date.now();
      const answer = await http('POST', `${base}/listings`, {
        json: { user_id: 987_654_000, listing_type: 'rent', price: 100 },
      });
      expect(answer.status).to.equal(422);
      expect(answer.body).to.deep.include({
        result: false,
        errors: ['user_id 987654000 does not exist'],
      });
      // PUBLIC_USER_CHECK_WAIT_MS is 2000 here: a queued user gets that long to land.
      expect(Date.now() - started).to.be.within(2000, 3500);
      expect(usersProxy.requests.length).to.be.within(2, 8);
      expect(listingsProxy.requests).to.deep.equal([]);
    });

    it('accepts a listing for a user created a moment ago and still queued', async () => {
      await pipeline.stopWorkers();
      let workersRunning = false;
      try {
        const created = await http('POST', `${base}/users`, { json: { name: 'Hal' } });
        const user = created.body.user;
        const listing = http('POST', `${base}/listings`, {
          json: { user_id: user.id, listing_type: 'rent', price: 700 },
        });
        // The user service answers 404 for this user until a worker persists it; the public
        // API has already asked it (seen at the proxy), so the listing waits on a re-check.
        await eventually(
          async () =>
            usersProxy.requests.some((r) => r.startsWith(`GET /users/${user.id}`))
              ? true
              : undefined,
          { what: 'the public API to ask the user service for the new user' },
        );
        const meanwhile = await http('GET', `${pipeline.urls.users}/users/${user.id}`);
        expect(meanwhile.status).to.equal(404);
        pipeline.startWorkers();
        workersRunning = true;
        const answer = await listing;
        expect(answer.status).to.equal(202);
        expect(answer.body.listing.user).to.deep.equal(user);
      } finally {
        if (!workersRunning) pipeline.startWorkers();
      }
    });

    it('refuses bad input with 400 naming each field, without calling either service', async () => {
      const answer = await http('POST', `${base}/listings`, {
        json: { user_id: 'one', listing_type: 'lease', price: 0 },
      });
      expect(answer.status).to.equal(400);
      expect(answer.body).to.deep.include({
        result: false,
        errors: [
          'invalid user_id',
          "invalid listing_type. Supported values: 'rent', 'sale'",
          'price must be greater than 0',
        ],
      });
      const missing = await http('POST', `${base}/listings`, { json: { price: 10 } });
      expect(missing.body.errors).to.deep.equal([
        'user_id is required',
        'listing_type is required',
      ]);
      expect([...usersProxy.requests, ...listingsProxy.requests]).to.deep.equal([]);
    });
  });
});
