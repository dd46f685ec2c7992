import { expect } from 'chai';
import { createServer, type Server } from 'node:http';
import { startCountingProxy, startSilentServer } from '../support/counting-proxy.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort } from '../support/processes.js';
import { startPublicApi } from '../support/public-api.js';

const TIMEOUT_MS = 400;

/** A real HTTP peer on loopback that answers every request the same way. */
async function startFixedServer(status: number, type: string, body: string) {
  const server: Server = createServer((_req, res) => {
    res.writeHead(status, { 'content-type': type });
    res.end(body);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  return {
    url: `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

describe('public API when an upstream service is down or broken (spec §2.3)', () => {
  let pipeline: Pipeline;
  let listingIdOfKnownUser: number;

  before(async () => {
    pipeline = await startPipeline();
    const user = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'Ivy' },
      headers: { Prefer: 'wait=10' },
    });
    const listing = await http('POST', `${pipeline.urls.listings}/listings`, {
      json: { user_id: user.body.user.id, listing_type: 'rent', price: 10 },
      headers: { Prefer: 'wait=10' },
    });
    listingIdOfKnownUser = listing.body.listing.id;
  });
  after(() => pipeline.stop());

  /** Runs `call` against a public API built with `env`, then closes that API. */
  async function withPublicApi<T>(env: Record<string, string>, call: (base: string) => Promise<T>) {
    const api = await startPublicApi(pipeline, { UPSTREAM_TIMEOUT_MS: String(TIMEOUT_MS), ...env });
    try {
      return await call(`${api.url}/public-api`);
    } finally {
      await api.close();
    }
  }

  async function timed(request: Promise<Awaited<ReturnType<typeof http>>>) {
    const started = Date.now();
    const answer = await request;
    return { answer, ms: Date.now() - started };
  }

  describe('user service port closed (connection refused)', () => {
    it('answers the listing page and a new listing with 503 naming the user service, at once', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      const listings = await startCountingProxy(pipeline.urls.listings);
      try {
        await withPublicApi(
          { USERS_BASE_URL: closed, LISTINGS_BASE_URL: listings.url },
          async (base) => {
            const page = await timed(http('GET', `${base}/listings`));
            expect(page.answer.status).to.equal(503);
            expect(page.answer.headers['retry-after']).to.equal('1');
            expect(page.answer.body).to.deep.include({
              result: false,
              errors: ['user service is unreachable (ECONNREFUSED)'],
            });
            expect(page.ms).to.be.below(TIMEOUT_MS);
            listings.requests.length = 0;
            const write = await http('POST', `${base}/listings`, {
              json: { user_id: 1, listing_type: 'rent', price: 10 },
            });
            expect(write.status).to.equal(503);
            expect(write.body.errors).to.deep.equal(['user service is unreachable (ECONNREFUSED)']);
            expect(listings.requests).to.deep.equal([]);
            const user = await http('POST', `${base}/users`, { json: { name: 'Jo' } });
            expect(user.status).to.equal(503);
            expect(user.body.errors).to.deep.equal(['user service is unreachable (ECONNREFUSED)']);
          },
        );
      } finally {
        await listings.close();
      }
    });
  });

  describe('user service accepts connections but never answers', () => {
    it('gives up after UPSTREAM_TIMEOUT_MS with 503 naming the user service, for reads and writes', async () => {
      const silent = await startSilentServer();
      try {
        await withPublicApi({ USERS_BASE_URL: silent.url }, async (base) => {
          const page = await timed(http('GET', `${base}/listings`));
          expect(page.answer.status).to.equal(503);
          expect(page.answer.body.errors).to.deep.equal([
            `user service did not answer within ${TIMEOUT_MS} ms`,
          ]);
          expect(page.ms).to.be.within(TIMEOUT_MS - 20, TIMEOUT_MS + 1000);
          const write = await timed(http('POST', `${base}/users`, { json: { name: 'Kim' } }));
          expect(write.answer.status).to.equal(503);
          // A write sent and not answered may have been queued: the answer says so (issue 31).
          expect(write.answer.body.errors).to.have.length(1);
          expect(write.answer.body.errors[0]).to.match(
            new RegExp(
              `^user service did not answer within ${TIMEOUT_MS} ms; the write may have been queued: retry it with Idempotency-Key: \\S+ and it is stored once$`,
            ),
          );
          expect(write.ms).to.be.below(TIMEOUT_MS + 1000);
          expect(silent.accepted()).to.be.greaterThan(0);
        });
      } finally {
        await silent.close();
      }
    });
  });

  describe('listing service down', () => {
    it('answers the listing page with 503 naming the listing service', async () => {
      const closed = `http://127.0.0.1:${await freePort()}`;
      await withPublicApi({ LISTINGS_BASE_URL: closed }, async (base) => {
        const page = await http('GET', `${base}/listings`);
        expect(page.status).to.equal(503);
        expect(page.body.errors).to.deep.equal(['listing service is unreachable (ECONNREFUSED)']);
        const one = await http('GET', `${base}/listings/${listingIdOfKnownUser}`);
        expect(one.status).to.equal(503);
      });
    });
  });

  describe('upstream answers badly', () => {
    it('turns an upstream 500 into 502 naming the service', async () => {
      const broken = await startFixedServer(500, 'application/json', '{"result":false}');
      try {
        await withPublicApi({ USERS_BASE_URL: broken.url }, async (base) => {
          const page = await http('GET', `${base}/listings`);
          expect(page.status).to.equal(502);
          expect(page.body).to.deep.include({
            result: false,
            errors: ['user service failed (HTTP 500)'],
          });
        });
      } finally {
        await broken.close();
      }
    });

    it('keeps the status and messages of an upstream 4xx to a write (its messages are for clients)', async () => {
      const refusing = await startFixedServer(
        409,
        'application/json',
        '{"result":false,"errors":["name is taken"]}',
      );
      try {
        await withPublicApi({ USERS_BASE_URL: refusing.url }, async (base) => {
          const answer = await http('POST', `${base}/users`, { json: { name: 'Mo' } });
          expect(answer.status).to.equal(409);
          expect(answer.body).to.deep.include({ result: false, errors: ['name is taken'] });
        });
      } finally {
        await refusing.close();
      }
    });

    it('turns a 200 that is not the expected JSON into 502', async () => {
      const html = await startFixedServer(200, 'text/html', '<html>hello</html>');
      const wrongShape = await startFixedServer(200, 'application/json', '{"users":[{"id":"x"}]}');
      try {
        await withPublicApi({ USERS_BASE_URL: html.url }, async (base) => {
          const page = await http('GET', `${base}/listings`);
          expect(page.status).to.equal(502);
          expect(page.body.errors).to.deep.equal([
            'user service answered with a body that is not JSON',
          ]);
        });
        await withPublicApi({ USERS_BASE_URL: wrongShape.url }, async (base) => {
          const page = await http('GET', `${base}/listings`);
          expect(page.status).to.equal(502);
          expect(page.body.errors).to.deep.equal(['user service answered with an unexpected body']);
        });
      } finally {
        await Promise.all([html.close(), wrongShape.close()]);
      }
    });
  });
});
