import { expect } from 'chai';
import fc from 'fast-check';
import { createClient, DeliveryFailedError, ItemRejectedError } from '../../../client/src/index.js';
import { FAKE_LISTINGS, FakeSpillway, recordingSleep, type Fault } from './fake-spillway.js';

const fault: fc.Arbitrary<Fault | undefined> = fc.oneof(
  fc.constant(undefined),
  fc.constant(undefined),
  fc.constantFrom<Fault>(
    { kind: 'status', status: 429, retryAfter: '1' },
    { kind: 'status', status: 503, retryAfter: '5' },
    { kind: 'status', status: 409, retryAfter: '1' },
    { kind: 'status', status: 502 },
    { kind: 'refused' },
    { kind: 'reset-before' },
    { kind: 'reset-after' },
  ),
  fc
    .record({
      items: fc.integer({ min: 0, max: 40 }),
      status: fc.constantFrom<429 | 503 | 500>(429, 503, 500),
    })
    .map((stop): Fault => ({ kind: 'stop', ...stop })),
);

describe('@spillway/client exactly once, whatever the faults (property, fake transport)', () => {
  it('every item settles; each resolved id is stored once; nothing is stored that was neither resolved nor reported maybe-stored', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.array(fault, { maxLength: 30 }),
        fc.integer({ min: 1, max: 120 }),
        fc.integer({ min: 1, max: 50 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer({ min: 1, max: 60 }),
        async (faults, count, maxItems, retries, serverMaxItems) => {
          const server = new FakeSpillway();
          server.faults.push(...faults.filter((each): each is Fault => each !== undefined));
          server.maxItems = serverMaxItems;
          const spillway = createClient(
            {
              services: { listings: FAKE_LISTINGS },
              batch: { maxItems, maxWaitMs: 0, maxInFlight: 3 },
              retry: { retries },
            },
            { transport: server.send, sleep: recordingSleep().sleep },
          );
          // Every 7th item is invalid (price 0): refused on its own, never stored.
          const prices = Array.from({ length: count }, (_, i) => (i % 7 === 3 ? 0 : i + 1));
          const results = await Promise.allSettled(
            prices.map((price) =>
              spillway.listings.create({ user_id: 1, listing_type: 'rent', price }),
            ),
          );
          const storedPrices = server.stored.map((stored) => stored.item.price);
          expect(new Set(storedPrices).size, 'stored twice').to.equal(storedPrices.length);
          results.forEach((result, i) => {
            const storedAs = server.stored.find((stored) => stored.item.price === prices[i]);
            if (result.status === 'fulfilled') {
              expect(storedAs?.id, `item ${i} resolved but not stored under its id`).to.equal(
                result.value.id,
              );
              return;
            }
            const error: unknown = result.reason;
            if (error instanceof ItemRejectedError) {
              expect(prices[i]).to.equal(0);
            } else {
              expect(error).to.be.instanceOf(DeliveryFailedError);
              if (!(error as DeliveryFailedError).maybeStored) {
                expect(storedAs, `item ${i} said not stored, but it was`).to.equal(undefined);
              }
            }
          });
          await spillway.close();
          await new Promise((resolve) => setImmediate(resolve));
          expect(spillway.stats()).to.include({ buffered: 0, waiting: 0, inFlight: 0 });
        },
      ),
      { numRuns: 300 },
    );
  });
});
