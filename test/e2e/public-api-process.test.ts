import { expect } from 'chai';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort, runEntry, type RunningProcess, untilHealthy } from '../support/processes.js';
import { testEnv } from '../support/test-config.js';

describe('the public API in its own process (--service public, USERS_BASE_URL / LISTINGS_BASE_URL)', () => {
  let pipeline: Pipeline;
  let api: RunningProcess | undefined;

  before(async () => {
    pipeline = await startPipeline();
  });
  after(async () => {
    await api?.stop('SIGKILL');
    await pipeline.stop();
  });

  it('serves users and listings from the other services’ URLs and exits 0 on SIGTERM', async function () {
    this.timeout(60_000);
    const port = await freePort();
    api = runEntry(
      'api/main.ts',
      ['--service', 'public'],
      testEnv({
        PUBLIC_API_PORT: String(port),
        USERS_BASE_URL: pipeline.urls.users,
        LISTINGS_BASE_URL: pipeline.urls.listings,
        SHUTDOWN_TIMEOUT_MS: '8000',
      }),
    );
    const running = api;
    const base = `http://127.0.0.1:${port}`;
    await untilHealthy(base, {
      timeoutMs: 20_000,
      what: `the public API to listen\n${running.output()}`,
    });

    const user = await http('POST', `${base}/public-api/users`, {
      json: { name: 'Lea' },
      headers: { Prefer: 'wait=10' },
    });
    expect(user.status).to.equal(201);
    const listing = await http('POST', `${base}/public-api/listings`, {
      json: { user_id: user.body.user.id, listing_type: 'sale', price: 42 },
      headers: { Prefer: 'wait=10' },
    });
    expect(listing.status).to.equal(201);
    // The write answers the stored listing (with user_id); a read shows its user instead.
    const { user_id: userId, ...read } = listing.body.listing;
    expect(userId).to.equal(user.body.user.id);
    const page = await http('GET', `${base}/public-api/listings?user_id=${user.body.user.id}`);
    expect(page.body).to.deep.equal({ result: true, listings: [read] });
    expect(page.body.listings[0].user).to.deep.equal(user.body.user);

    const exit = await running.stop('SIGTERM');
    expect(exit.code, running.output()).to.equal(0);
    expect(exit.ms).to.be.below(8000);
  });
});
