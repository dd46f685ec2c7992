import { expect } from 'chai';
import {
  cacheKeys,
  prefixIsTagged,
  queueShardNames,
  escapedKeyPart,
  idClaimKeyStem,
  idCounterKey,
  idempotencyKey,
  lockKey,
  notificationSentKey,
  rateLimitKey,
  usernameReservationKey,
  keyHeadKey,
} from '../../../../../shared/infra/redis/redis-keys.js';
import { usernameKey } from '../../../../../shared/domain/customers/username-key.js';

/** The default prefixes (QUEUE_PREFIX, CACHE_PREFIX). */
const QUEUE = '{spillway}';
const CACHE = 'spillway';

/**
 * The key layout, family by family. Data already stored lives under these
 * strings: a builder that changes one orphans it. Hashes are written out, not
 * recomputed, so a change of hash input shows here too.
 */
describe('Redis keys: the layout of every family', () => {
  it('cache: a collection generation and its entries share the tagged slot {collection}', () => {
    const keys = cacheKeys(CACHE, 'listings');
    expect(keys.generation).to.equal('spillway:cache:{listings}:gen');
    expect(keys.entry(['page', 2, 50, 'all'])).to.equal(
      'spillway:cache:{listings}:e:page:2:50:all',
    );
    expect(keys.entry(['ids', '1,2,3'])).to.equal('spillway:cache:{listings}:e:ids:1,2,3');
    expect(cacheKeys(CACHE, 'orders').entry(['id', '65f0c0ffee0000000000beef'])).to.equal(
      'spillway:cache:{orders}:e:id:65f0c0ffee0000000000beef',
    );
  });

  it('cache: an entry part holding ":" is refused; escapedKeyPart makes free text one part', () => {
    const keys = cacheKeys(CACHE, 'people');
    expect(() => keys.entry(['last', 'a:b'])).to.throw(/':'/);
    expect(keys.entry(['last', escapedKeyPart('o:brien')])).to.equal(
      'spillway:cache:{people}:e:last:o%3Abrien',
    );
  });

  it('rate limit: one bucket per service and client, the first 32 hex of sha256(scope NUL client), its own tag', () => {
    // Buckets live until they are full again (a minute at most): a new family orphans nothing that lasts.
    expect(rateLimitKey(CACHE, 'public', '203.0.113.7')).to.equal(
      'spillway:rate-bucket:{6e85b527af3a7adbe1e151a827be3e83}',
    );
  });

  it('id counters: one per entity; id claims start with the counter key', () => {
    expect(idCounterKey(QUEUE, 'users')).to.equal('{spillway}:ids:users');
    expect(idCounterKey(QUEUE, 'people')).to.equal('{spillway}:ids:people');
    // Built on the counter's key, so a tag on the counter's slot covers its claims.
    expect(idClaimKeyStem(QUEUE, 'people')).to.equal('{spillway}:ids:people:claims:');
  });

  it('key heads: one per key, in its queue shard', () => {
    expect(keyHeadKey(QUEUE, 'persist-orders', '65f0c0ffee0000000000beef')).to.equal(
      '{spillway}:heads:persist-orders:65f0c0ffee0000000000beef',
    );
  });

  it('idempotency: sha256(service NUL client key), so any client key is one bounded key per service', () => {
    expect(idempotencyKey(QUEUE, 'users', 'a:b/c')).to.equal(
      '{spillway}:idempotency:9378a4f7ae5264a07a344f3639e2774988be3ae7bc09cea55cafd02b1b607fff',
    );
    expect(idempotencyKey(QUEUE, 'orders', 'a:b/c')).to.equal(
      '{spillway}:idempotency:40437216c3f00fac06323d6e0697488a30daf9e070a9763a0aa04308e394847e',
    );
  });

  it('username reservations: one per username in its uniqueness form (usernameKey: NFKC, case folded)', () => {
    const claim = (username: string) => usernameReservationKey(QUEUE, usernameKey(username));
    expect(claim('Alice')).to.equal('{spillway}:customers:username:alice');
    // "é" typed as e + combining acute is the same username as the composed "é".
    expect(claim('Ren\u0065\u0301')).to.equal(claim('ren\u00e9'));
    expect(claim('ren\u00e9')).to.equal('{spillway}:customers:username:ren\u00e9');
    // Issue 31: NFKC and case folding, invisible characters removed: one claim for all of these.
    for (const variant of ['ＡＬＩＣＥ', 'alice\u200b', 'al\u00adice']) {
      expect(claim(variant)).to.equal('{spillway}:customers:username:alice');
    }
  });

  it('locks: one per name', () => {
    expect(lockKey(QUEUE, 'purge-orders')).to.equal('{spillway}:locks:purge-orders');
  });

  it('sent notifications: one per change event id', () => {
    expect(notificationSentKey(QUEUE, 'customers-0b9e-v2-event')).to.equal(
      '{spillway}:notified:customers-0b9e-v2-event',
    );
  });
});

/** Never run: tsc (which checks the tests) fails if a wrong family or part compiles. */
export function wrongPartsAreTypeErrors(): void {
  // @ts-expect-error orders have no id counter (their ids are ObjectIds)
  idCounterKey(QUEUE, 'orders');
  // @ts-expect-error idempotency keys are scoped by service name
  idempotencyKey(QUEUE, 'nobody', 'k');
  // @ts-expect-error rate-limit budgets are scoped by service name
  rateLimitKey(CACHE, 'nobody', '203.0.113.7');
  // @ts-expect-error the cache has no such collection
  cacheKeys(CACHE, 'sessions');
  // @ts-expect-error an entry part is text or a number
  cacheKeys(CACHE, 'users').entry([true]);
}

/**
 * On a Redis Cluster (§8) the queue prefix is no hash tag (`spillway`), so
 * every family's slot part is one: keys spread over the masters by it.
 */
describe('Redis keys: under a prefix without a hash tag (Redis Cluster)', () => {
  const CLUSTER = 'spillway';

  it('tags each family by its slot part', () => {
    expect(idCounterKey(CLUSTER, 'users')).to.equal('spillway:ids:{users}');
    // The head shares its shard's tag: `spillway:{persist-orders-2}:…` is that shard's BullMQ keys.
    expect(keyHeadKey(CLUSTER, '{persist-orders-2}', '65f0c0ffee0000000000beef')).to.equal(
      'spillway:heads:{persist-orders-2}:65f0c0ffee0000000000beef',
    );
    expect(idempotencyKey(CLUSTER, 'users', 'a:b/c')).to.equal(
      'spillway:idempotency:{9378a4f7ae5264a07a344f3639e2774988be3ae7bc09cea55cafd02b1b607fff}',
    );
    expect(usernameReservationKey(CLUSTER, usernameKey('Alice'))).to.equal(
      'spillway:customers:username:{alice}',
    );
    expect(lockKey(CLUSTER, 'purge-orders')).to.equal('spillway:locks:{purge-orders}');
    expect(notificationSentKey(CLUSTER, 'customers-u-v1-event')).to.equal(
      'spillway:notified:{customers-u-v1-event}',
    );
  });

  it('knows a prefix that is a tag itself from one that is not', () => {
    expect(prefixIsTagged('{spillway}')).to.equal(true);
    expect(prefixIsTagged('app:{tenant-7}')).to.equal(true);
    expect(prefixIsTagged('spillway')).to.equal(false);
    expect(prefixIsTagged('odd{}')).to.equal(false);
  });

  it('names each queue shard as its own tag, and leaves names bare under a tagged prefix', () => {
    expect(queueShardNames(CLUSTER, 'persist-users', 1)).to.deep.equal(['{persist-users}']);
    expect(queueShardNames(CLUSTER, 'persist-users', 3)).to.deep.equal([
      '{persist-users-0}',
      '{persist-users-1}',
      '{persist-users-2}',
    ]);
    // The single-Redis default keeps the queue names every earlier version used.
    expect(queueShardNames('{spillway}', 'persist-users', 1)).to.deep.equal(['persist-users']);
    expect(queueShardNames('{spillway}', 'replicate', 2)).to.deep.equal([
      'replicate-0',
      'replicate-1',
    ]);
  });
});
