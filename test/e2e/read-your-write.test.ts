import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

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
    const job = await eventually(
      async () => {
        const state = await pipeline.connections.queueRedis.hget(
          `${pipeline.config.queue.prefix}:persist-users:${jobId}`,
          'finishedOn',
        );
        return state ? Number(state) : undefined;
      },
      { what: 'job completion' },
    );
    const seenAt = await eventually(async () => {
      const page = await http('GET', `${users}/users?page_size=50`);
      return page.body.users.some((u: { id: number }) => u.id === created.body.user.id)
        ? Date.now()
        : undefined;
    });
    expect(seenAt - job).to.be.below(1000);
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
