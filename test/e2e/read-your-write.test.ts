import { expect } from 'chai';
import { request } from 'undici';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { createQueue } from '../../shared/domain/resources/resource-queues.js';

describe('reads through the cache and read-your-write (spec §3.4, §4)', () => {
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline();
  });
  after(() => pipeline.stop());

  it('a repeated GET is a cache HIT, and a new write is visible within a second of its job completing', async () => {
    const { users } = pipeline.urls;
    const first = await http('GET', `${users}/users?page_size=50`);
    expect(first.headers['x-cache']).to.equal('MISS');
    const second = await http('GET', `${users}/users?page_size=50`);
    expect(second.headers['x-cache']).to.equal('HIT');
    expect(second.body).to.deep.equal(first.body);

    const created = await http('POST', `${users}/users`, { json: { name: 'Dora' } });
    const jobId = created.headers['x-job-id'];
    const queue = createQueue(pipeline.config, pipeline.connections.queueRedis, 'persist-users');
    const job = await eventually(
      async () => (await queue.getJob(jobId ?? '', created.body.user.id))?.finishedOn,
      { what: 'job completion' },
    );
    await queue.close();
    const seenAt = await eventually(async () => {
      const page = await http('GET', `${users}/users?page_size=50`);
      return page.body.users.some((u: { id: number }) => u.id === created.body.user.id)
        ? Date.now()
        : undefined;
    });
    expect(seenAt - job).to.be.below(1000);
  });

  it('a HIT answers byte for byte what the MISS answered, as compact JSON with the same headers', async () => {
    const { users, listings } = pipeline.urls;
    const user = await http('POST', `${users}/users`, {
      json: { name: 'Hilda' },
      headers: { Prefer: 'wait=10' },
    });
    const listing = await http('POST', `${listings}/listings`, {
      json: { user_id: user.body.user.id, listing_type: 'rent', price: 7 },
      headers: { Prefer: 'wait=10' },
    });
    for (const [url, envelope, value] of [
      [`${users}/users/${user.body.user.id}`, 'user', user.body.user],
      [`${users}/users?page_size=1`, 'users', [user.body.user]],
      [`${listings}/listings/${listing.body.listing.id}`, 'listing', listing.body.listing],
      [`${listings}/listings?user_id=${user.body.user.id}`, 'listings', [listing.body.listing]],
    ] as const) {
      const miss = await http('GET', url);
      const hit = await http('GET', url);
      expect([miss.status, hit.status], url).to.deep.equal([200, 200]);
      expect([miss.headers['x-cache'], hit.headers['x-cache']], url).to.deep.equal(['MISS', 'HIT']);
      expect(miss.text, url).to.equal(JSON.stringify({ result: true, [envelope]: value }));
      expect(hit.text, url).to.equal(miss.text);
      expect(hit.headers['content-type'], url).to.equal('application/json; charset=utf-8');
      expect(hit.headers['content-type'], url).to.equal(miss.headers['content-type']);
      expect(hit.headers['content-length'], url).to.equal(String(Buffer.byteLength(hit.text)));
      expect(hit.headers['content-length'], url).to.equal(miss.headers['content-length']);
      // HEAD (the test client would parse its empty JSON body): headers only.
      const head = await request(url, { method: 'HEAD' });
      expect([head.statusCode, await head.body.text()], url).to.deep.equal([200, '']);
      expect(head.headers['content-length'], url).to.equal(hit.headers['content-length']);
      expect(head.headers['x-cache'], url).to.equal('HIT');
    }
  });

  it('an unknown id stays a 404 when its "not found" is answered from the cache', async () => {
    for (const url of [
      `${pipeline.urls.users}/users/876543210`,
      `${pipeline.urls.listings}/listings/876543210`,
    ]) {
      const first = await http('GET', url);
      const second = await http('GET', url);
      expect([first.status, second.status], url).to.deep.equal([404, 404]);
      expect(second.body.result, url).to.equal(false);
      expect(second.text, url).to.equal(first.text);
    }
  });

  it('Prefer: wait answers 201 once persisted, and the next GET shows the write', async () => {
    const created = await http('POST', `${pipeline.urls.listings}/listings`, {
      json: { user_id: 1, listing_type: 'sale', price: 10 },
      headers: { Prefer: 'wait=10' },
    });
    expect(created.status).to.equal(201);
    expect(created.headers['preference-applied']).to.equal('wait');
    const read = await http('GET', `${pipeline.urls.listings}/listings/${created.body.listing.id}`);
    expect(read.status).to.equal(200);
    expect(read.body.listing).to.deep.equal(created.body.listing);
  });

  it('Prefer: wait answers 202 when the write is not persisted in time (workers stopped)', async () => {
    await pipeline.stopWorkers();
    const started = Date.now();
    const created = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'Slow' },
      headers: { Prefer: 'wait=1' },
    });
    expect(created.status).to.equal(202);
    expect(Date.now() - started).to.be.within(900, 5000);
    const missing = await http('GET', `${pipeline.urls.users}/users/${created.body.user.id}`);
    expect(missing.status).to.equal(404);
    pipeline.startWorkers();
    await eventually(
      async () => {
        const found = await http('GET', `${pipeline.urls.users}/users/${created.body.user.id}`);
        return found.status === 200 ? found : undefined;
      },
      { what: 'the queued write to drain once workers are back' },
    );
  });
});
