import { expect } from 'chai';
import { createServer, request, type Server } from 'node:http';
import {
  createClient,
  type RetriedEvent,
  type SentEvent,
  type SpillwayClient,
} from '../../../client/src/index.js';
import { settledListingCount, storedByPrice, uniqueUserId } from '../../support/client-pipeline.js';
import { startPipeline, type Pipeline } from '../../support/pipeline.js';

/**
 * A proxy in front of the real listing service that, for every `dropEvery`-th
 * request, lets the service read the whole body and answer, then resets the
 * client's connection instead of passing the answer on: the write was taken,
 * the client cannot know it.
 */
function answerDroppingProxy(
  target: string,
  dropEvery: number,
): Promise<{ server: Server; url: string; dropped: () => number }> {
  const upstream = new URL(target);
  let seen = 0;
  let dropped = 0;
  const server = createServer((incoming, outgoing) => {
    const drop = ++seen % dropEvery === 0;
    const forward = request(
      {
        host: upstream.hostname,
        port: upstream.port,
        method: incoming.method,
        path: incoming.url,
        headers: incoming.headers,
      },
      (answer) => {
        const chunks: Buffer[] = [];
        answer.on('data', (chunk: Buffer) => chunks.push(chunk));
        answer.on('end', () => {
          if (drop) {
            dropped += 1;
            outgoing.socket?.resetAndDestroy();
            return;
          }
          outgoing.writeHead(answer.statusCode ?? 502, answer.headers);
          outgoing.end(Buffer.concat(chunks));
        });
      },
    );
    forward.on('error', () => outgoing.destroy());
    incoming.pipe(forward);
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}`, dropped: () => dropped });
    }),
  );
}

/** `count` listings of `userId` from `callers` callers; the ids in item order. */
async function createListings(
  client: SpillwayClient,
  userId: number,
  count: number,
  callers: number,
) {
  const ids: number[] = new Array(count);
  const share = Math.ceil(count / callers);
  await Promise.all(
    Array.from({ length: callers }, async (_, caller) => {
      for (let i = caller * share; i < Math.min(count, (caller + 1) * share); i += 1) {
        const item = { user_id: userId, listing_type: 'rent', price: i + 1 } as const;
        ids[i] = (await client.listings.create(item)).id;
      }
    }),
  );
  return ids;
}

describe('@spillway/client against the real listing service: resets and item limits', function () {
  this.timeout(120_000);
  let pipeline: Pipeline;
  before(async () => {
    pipeline = await startPipeline({ config: { BULK_MAX_ITEMS: '300' } });
  });
  after(() => pipeline.stop());

  async function expectStoredOnce(userId: number, ids: readonly number[]) {
    await settledListingCount(pipeline.connections, userId, ids.length, 1_000);
    const stored = await storedByPrice(pipeline.connections, userId);
    expect(stored.size).to.equal(ids.length);
    const mismatched = ids.filter(
      (id, i) => stored.get(i + 1)?.length !== 1 || stored.get(i + 1)?.[0] !== id,
    );
    expect(mismatched).to.deep.equal([]);
  }

  it('a connection reset after the service took the body and answered: the retry, same key, gets the first answer; each write stored once', async () => {
    const proxy = await answerDroppingProxy(pipeline.urls.listings, 3);
    try {
      const client = createClient({ services: { listings: proxy.url }, batch: { maxItems: 200 } });
      const retried: RetriedEvent[] = [];
      const sent: SentEvent[] = [];
      client.on('retried', (event) => retried.push(event)).on('sent', (event) => sent.push(event));
      const userId = uniqueUserId();
      const ids = await createListings(client, userId, 3_000, 100);
      await client.close();
      expect(proxy.dropped()).to.be.greaterThan(0);
      expect(retried.filter((event) => event.reason.startsWith('network'))).to.have.length(
        proxy.dropped(),
      );
      expect(sent.filter((event) => event.replayed)).to.have.length(proxy.dropped());
      await expectStoredOnce(userId, ids);
    } finally {
      proxy.server.close();
    }
  });

  it('a batch over BULK_MAX_ITEMS: the service’s 413 answers the first 300, the rest follow, later batches fit', async () => {
    const client = createClient({
      services: { listings: pipeline.urls.listings },
      batch: { maxItems: 1000, maxInFlight: 1 },
    });
    const sent: SentEvent[] = [];
    client.on('sent', (event) => sent.push(event));
    const userId = uniqueUserId();
    const ids = await createListings(client, userId, 2_000, 2_000);
    await client.close();
    expect(sent[0]).to.include({ status: 413, items: 1000, accepted: 300, remaining: 700 });
    expect(Math.max(...sent.slice(1).map((event) => event.items))).to.equal(300);
    await expectStoredOnce(userId, ids);
  });
});
