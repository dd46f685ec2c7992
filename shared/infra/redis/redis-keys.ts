import { createHash } from 'node:crypto';
import type { HostedServiceName } from '../../../config/index.js';
import type { CacheCollection } from '../cache/cache-collections.js';
import type { EntityName } from '../domain-names.js';

/**
 * Every Redis key Spillway reads or writes itself is built here (BullMQ builds
 * its own queue keys from QUEUE_PREFIX and the queue name). The layout is data
 * already stored: a key that changes shape orphans what is under the old one,
 * so test/unit/shared/infra/redis/redis-keys.test.ts pins each family with a literal.
 *
 * Each key is `<prefix>:<family>:<slot>[:<rest>]` (`familyKey`). The slot part
 * is what decides a key's Redis Cluster slot: unless the prefix holds a hash
 * tag itself, it is written as one (`{users}`), so each family spreads over
 * every master by its slot. A prefix in braces (the single-Redis default
 * QUEUE_PREFIX `{spillway}`) is the tag of every key under it, because Redis
 * hashes on a key's *first* `{…}`; those keys keep the bare slot part, the
 * layout every earlier version wrote (config refuses such a prefix on a cluster).
 *
 * Keys read together in one command or script (what Cluster must keep in one slot):
 * - cache MGET (ReadThroughCache.sharedLookup): a collection's generation and
 *   one of its entries, `<cache>:cache:{c}:gen` + `<cache>:cache:{c}:e:…`;
 *   both are built from the slot `{c}`.
 * - Lua scripts: each takes exactly one key (numkeys 1): ids RAISE_TO,
 *   key heads ADVANCE, START and SETTLE, locks RELEASE and HOLD_FOR, username reservations
 *   RELEASE_IF_HELD, idempotency CLAIM, COMPLETE and RELEASE, rate limit SYNC,
 *   sent notifications CLAIM and RELEASE. The id claim scripts (ids
 *   DRAW_CLAIMED, CLAIM_IDS) take the id counter too, and write claim keys
 *   built from `idClaimKeyStem`, which begins with the counter's key: a tag on
 *   the counter's slot keeps them in it (as BullMQ's scripts build job keys
 *   from a queue's prefix). The UNLINK of released claims is one entity's.
 * - MULTI: none on these keys. IntakeBatcher's INCRBY of an id block (for
 *   people, DRAW_CLAIMED) is its own command before Queue.addBulk's MULTI,
 *   which holds BullMQ keys only.
 * - Pipelines: the cache client auto-pipelines; under Cluster ioredis groups
 *   those by the node of each command's key, so they set no constraint.
 */

/**
 * `<prefix>:<family>:<slot>[:<rest>]`, the slot hash-tagged unless the prefix
 * is the tag already (`tagged`); each builder below says what its slot is.
 */
function familyKey(prefix: string, family: string, slot: string, rest?: string): string {
  const head = `${prefix}:${family}:${prefixIsTagged(prefix) ? slot : tagged(slot)}`;
  return rest === undefined ? head : `${head}:${rest}`;
}

/** Whether the prefix holds a hash tag of its own, so every key under it shares its slot. */
export function prefixIsTagged(prefix: string): boolean {
  return /\{[^}]+\}/.test(prefix);
}

/** A hash-tagged slot part: Cluster hashes only on what is inside the braces. */
function tagged(slot: string): string {
  return `{${slot}}`;
}

/** A bounded key part for an unbounded input: hex SHA-256 of the parts, NUL-joined. */
function hashed(parts: readonly string[], hexChars?: number): string {
  const hex = createHash('sha256').update(parts.join('\0')).digest('hex');
  return hexChars === undefined ? hex : hex.slice(0, hexChars);
}

// ---- Cache Redis (LRU, disposable): built with the cache prefix ----

/**
 * A collection's cache keys, built once per collection (they are on every
 * read's path). Slot: the collection, tagged, so the generation and every
 * entry sit in one slot and one MGET can read both.
 */
export function cacheKeys(prefix: string, collection: CacheCollection) {
  const entryBase = `${familyKey(prefix, 'cache', collection, 'e')}:`;
  return {
    /** The collection's generation counter: a write bumps it, every older entry is a miss. */
    generation: familyKey(prefix, 'cache', collection, 'gen'),
    /** An entry's key; the entry stores the generation it was built under with its value. */
    entry: (parts: readonly CacheKeyPart[]): string => entryBase + entryParts(parts),
  };
}

export type CacheKeys = ReturnType<typeof cacheKeys>;

/** One part of a cache entry's key: a number, or text without ':' (see `escapedKeyPart`). */
export type CacheKeyPart = string | number;

/**
 * Entry parts joined with ':'. A part holding ':' would make two part lists
 * one key (`['a:b']` and `['a', 'b']`), so it is refused, not stored.
 */
function entryParts(parts: readonly CacheKeyPart[]): string {
  for (const part of parts) {
    if (typeof part === 'string' && part.includes(':')) {
      throw new Error(`cache key part holds ':' (escape it with escapedKeyPart): ${part}`);
    }
  }
  return parts.join(':');
}

/** Free text (a name from a request) made safe as one cache key part: URI-escaped, so no ':'. */
export function escapedKeyPart(text: string): string {
  return encodeURIComponent(text);
}

/**
 * A client's shared token bucket (a hash) for one service's budget. Slot: the
 * bucket. Hashed: client addresses (IPv6, forwarded chains) have no bounded
 * shape. Family `rate-bucket`, not the fixed windows' `rate` (strings): a
 * process of either kind never meets a key of the other type mid-deploy.
 */
export function rateLimitKey(prefix: string, scope: HostedServiceName, client: string): string {
  return familyKey(prefix, 'rate-bucket', hashed([scope, client], 32));
}

// ---- Queue Redis (durable, AOF): built with the queue prefix ----

/** An entity's id counter. Slot: the entity. */
export function idCounterKey(prefix: string, entity: EntityName): string {
  return familyKey(prefix, 'ids', entity);
}

/**
 * What an id's claim key starts with (the id follows): the counter's own key,
 * so one script can draw or raise the counter and claim ids together: a tag
 * on the counter's slot puts its claims in the same slot.
 */
export function idClaimKeyStem(prefix: string, entity: EntityName): string {
  return `${idCounterKey(prefix, entity)}:claims:`;
}

/**
 * One key's write head (KeyHeads): the state and version its accepted writes
 * fold to. Slot: the key's queue shard (`shard` as `queueShardNames` builds
 * it), so the head and the jobs of its writes sit on one master and one WAIT
 * covers both.
 */
export function keyHeadKey(prefix: string, shard: string, key: string): string {
  return familyKey(prefix, 'heads', shard.replace(/[{}]/g, ''), key);
}

/**
 * The record of one `Idempotency-Key` of one service. Slot: the record.
 * Hashed, so any client key fits one bounded Redis key.
 */
export function idempotencyKey(
  prefix: string,
  scope: HostedServiceName,
  clientKey: string,
): string {
  return familyKey(prefix, 'idempotency', hashed([scope, clientKey]));
}

/**
 * A username's claim. Slot: the username in the form uniqueness is judged on,
 * as the caller folds it (`usernameKey` of shared/domain/customers/username-key.ts),
 * so "Alice" and "alice" are one claim, as in MySQL.
 */
export function usernameReservationKey(prefix: string, usernameKey: string): string {
  return familyKey(prefix, 'customers:username', usernameKey);
}

/**
 * A named lock. Slot: the lock. The name is plain text: RedisLock is a general
 * mechanism, and its callers own their names (cron's PURGE_LOCK_NAME).
 */
export function lockKey(prefix: string, name: string): string {
  return familyKey(prefix, 'locks', name);
}

/**
 * The record that one change event's e-mail was sent (or is being sent).
 * Slot: the event. Its id is plain text: event ids are built by
 * `jobIds.changeEvent` (entity, key, version), bounded and without ':'.
 */
export function notificationSentKey(prefix: string, eventId: string): string {
  return familyKey(prefix, 'notified', eventId);
}

/**
 * The BullMQ queues of one logical queue: `persist-users` alone, or
 * `persist-users-0` … `-<shards-1>` (BullMQ builds `<prefix>:<name>:…` from
 * each). Each name is its own hash tag unless the prefix is the tag
 * (`{spillway}`), BullMQ's documented pattern for Redis Cluster. Changing
 * QUEUE_SHARDS moves new jobs to other queues: drain the old ones first.
 */
export function queueShardNames(prefix: string, queue: string, shards: number): string[] {
  const names = shards === 1 ? [queue] : Array.from({ length: shards }, (_, i) => `${queue}-${i}`);
  return prefixIsTagged(prefix) ? names : names.map(tagged);
}
