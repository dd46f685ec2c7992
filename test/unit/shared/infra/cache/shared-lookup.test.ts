import { expect } from 'chai';
import {
  ReadThroughCache,
  type CacheRedis,
} from '../../../../../shared/infra/cache/read-through-cache.js';

/**
 * A cache client whose MGET answers only when the test says so: the lookup is
 * "in flight" for as long as the test wants. Every entry is a hit under
 * generation `generation`.
 */
function heldRedis() {
  const sent: { keys: string[]; answer: (generation: string) => void }[] = [];
  const client: CacheRedis = {
    mget: (...keys: string[]) =>
      new Promise((resolve) => {
        sent.push({
          keys,
          answer: (generation) => resolve([generation, `${generation}\n"v${generation}"`]),
        });
      }),
    set: async () => 'OK',
    incr: async () => 1,
  };
  return { client, sent };
}

const nextTurn = () => new Promise((resolve) => setImmediate(resolve));

describe('ReadThroughCache: reads of one key share a lookup only within one event-loop turn', () => {
  it('sends one MGET for every read of a key made in the same turn', async () => {
    const { client, sent } = heldRedis();
    const cache = new ReadThroughCache(client, { prefix: 't', ttlSeconds: 60 });
    const reads = Array.from({ length: 10 }, () =>
      cache.read('users', ['page', 1], async () => 'x'),
    );
    await nextTurn();
    expect(sent).to.have.length(1);
    sent[0]!.answer('7');
    expect((await Promise.all(reads)).map((r) => r.value)).to.deep.equal(Array(10).fill('v7'));
  });

  it('gives a read that starts after the lookup was sent a lookup of its own, even while the first is unanswered', async () => {
    const { client, sent } = heldRedis();
    const cache = new ReadThroughCache(client, { prefix: 't', ttlSeconds: 60 });
    const first = cache.read('users', ['page', 1], async () => 'x');
    await nextTurn();
    // The first lookup left before a write may have landed; this read must not take its answer.
    const second = cache.read('users', ['page', 1], async () => 'x');
    await nextTurn();
    expect(sent).to.have.length(2);
    sent[1]!.answer('8');
    sent[0]!.answer('7');
    expect((await second).value).to.equal('v8');
    expect((await first).value).to.equal('v7');
  });

  it('shares nothing between different keys', async () => {
    const { client, sent } = heldRedis();
    const cache = new ReadThroughCache(client, { prefix: 't', ttlSeconds: 60 });
    const reads = [1, 2].map((page) => cache.read('users', ['page', page], async () => 'x'));
    await nextTurn();
    expect(sent).to.have.length(2);
    for (const lookup of sent) lookup.answer('1');
    await Promise.all(reads);
  });
});
