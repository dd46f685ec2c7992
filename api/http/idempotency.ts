import type { Context, Middleware, Next, ParameterizedContext } from 'koa';
import { Readable } from 'node:stream';
import type { HostedServiceName } from '../../config/index.js';
import {
  IdempotencyKeyReusedError,
  RequestInProgressError,
  UnprocessableError,
  ValidationError,
} from '../../shared/domain/errors/index.js';
import type {
  ChunkPlan,
  IdempotentAttempt,
  IdempotentBulkAttempt,
  WritePlan,
} from '../../shared/infra/idempotency/idempotent-attempt.js';
import {
  requestFingerprint,
  type Claim,
  type IdempotencyStore,
  type StoredAnswer,
} from '../../shared/infra/idempotency/idempotency-store.js';
import type { RequestState } from './request-id.js';
import { WRITE_METHODS } from './write-methods.js';
import { digestLike, streamedBody, type BodyDigest } from './bulk/streamed-body.js';

/** Longest `Idempotency-Key` accepted; a UUID is 36. */
export const MAX_IDEMPOTENCY_KEY_LENGTH = 200;
/** Visible ASCII only: the key is echoed in logs and must survive every proxy unchanged. */
const KEY_PATTERN = /^[\x21-\x7e]+$/;
/** Headers of the first answer that a replay repeats (the body carries the rest). */
const REPLAYED_HEADERS = ['location', 'x-job-id', 'preference-applied', 'content-type'];

function checkedKey(raw: string): string {
  if (raw.length > MAX_IDEMPOTENCY_KEY_LENGTH) {
    throw new ValidationError([
      `Idempotency-Key must be at most ${MAX_IDEMPOTENCY_KEY_LENGTH} characters`,
    ]);
  }
  if (!KEY_PATTERN.test(raw)) {
    throw new ValidationError(['Idempotency-Key must be visible ASCII characters without spaces']);
  }
  return raw;
}

/** The answer as it will be replayed, or undefined when it cannot be stored (a stream). */
function capture(ctx: Context): StoredAnswer | undefined {
  const headers: Record<string, string> = {};
  for (const name of REPLAYED_HEADERS) {
    const value = ctx.response.get(name);
    if (value) headers[name] = value;
  }
  const body: unknown = ctx.body;
  if (body === undefined || body === null) {
    return { status: ctx.status, headers, body: null, bodyKind: 'empty' };
  }
  if (typeof body === 'string') return { status: ctx.status, headers, body, bodyKind: 'text' };
  if (Buffer.isBuffer(body) || body instanceof Readable) return undefined;
  return { status: ctx.status, headers, body, bodyKind: 'json' };
}

function replay(ctx: Context, answer: StoredAnswer): void {
  ctx.status = answer.status;
  if (answer.bodyKind !== 'empty') ctx.body = answer.body;
  ctx.set(answer.headers);
  ctx.set('Idempotent-Replayed', 'true');
}

const inProgress = () =>
  new RequestInProgressError('a request with this Idempotency-Key is in progress; retry shortly');

/**
 * The attempt the domain is given: it plans the write under the key (or
 * repeats the plan an earlier attempt of this request left), and may say it
 * refused the write before enqueuing.
 */
function keyedAttempt(
  store: IdempotencyStore,
  scope: HostedServiceName,
  key: string,
  claim: { readonly token: string; readonly plan?: WritePlan },
): IdempotentAttempt & { readonly refused: () => boolean } {
  let planned = claim.plan;
  let refused = false;
  return {
    async plan<P extends WritePlan>(fresh: () => P | Promise<P>): Promise<P> {
      // The same request (the fingerprint matched) plans the same kind of write: P.
      if (planned !== undefined) return planned as P;
      const plan = await fresh();
      if (!(await store.plan(scope, key, claim.token, plan))) throw inProgress();
      planned = plan;
      return plan;
    },
    refuse: () => {
      refused = true;
    },
    refused: () => refused,
  };
}

/**
 * The attempt bulk intake is given: each chunk is planned under the key
 * before it is enqueued (its plan and its items' digest), or repeats the plan
 * an earlier attempt of this request stored for it when its items are the
 * same; other items under the same key are a 422, before anything is enqueued.
 */
function keyedBulkAttempt(
  store: IdempotencyStore,
  scope: HostedServiceName,
  key: string,
  claim: { readonly token: string; readonly chunks?: readonly ChunkPlan[] },
): IdempotentBulkAttempt {
  const planned = claim.chunks ?? [];
  const reused = (what: string) =>
    new IdempotencyKeyReusedError(
      `Idempotency-Key was already used for a different request: ${what} under this key; send that request's body again, or use a new key`,
    );
  return {
    chunk: (chunk) => ({
      async plan<P extends WritePlan>(fresh: () => P | Promise<P>): Promise<P> {
        const earlier = planned[chunk.index];
        if (earlier !== undefined) {
          if (earlier.digest !== chunk.digest) {
            throw reused(
              `items ${chunk.firstItem} to ${chunk.lastItem} differ from the items queued`,
            );
          }
          // Same items, same plan: the same ids, so the chunk's jobs are added once.
          return earlier.plan as P;
        }
        const plan = await fresh();
        if (
          !(await store.planChunk(scope, key, claim.token, chunk.index, {
            digest: chunk.digest,
            plan,
          }))
        ) {
          throw inProgress();
        }
        return plan;
      },
      // An item refused on its own (a taken username) refuses no chunk: the plans stay.
      refuse: () => undefined,
    }),
    finish(chunks) {
      if (chunks < planned.length) throw reused('the body ends before the last items queued');
    },
  };
}

export interface IdempotencyOptions {
  store: IdempotencyStore;
  /** Keys are per service: the same key at two services is two keys. */
  scope: HostedServiceName;
  /**
   * Routes that stream their own body (CSV import) cannot be fingerprinted
   * before they run; they are left out (the import is idempotent by row id).
   */
  skipPaths?: readonly string[];
  /**
   * Routes that stream their body (bulk intake): fingerprinted by the bytes
   * they read, hashed as they pass; a replay hashes as many bytes of its own body.
   */
  streamed?: { readonly paths: readonly string[]; readonly maxBytes: number };
  /**
   * Test seam (GuardSeams): runs after the handler enqueued and before its
   * answer is stored, where the chaos test kills the process.
   */
  beforeAnswerStored?: () => void;
  /** The same hook for a bulk request: runs once its first chunk was enqueued. */
  afterFirstBulkChunk?: () => void;
}

type KeyedContext = ParameterizedContext<RequestState>;

/** A write whose key this request claimed. */
interface ClaimedWrite {
  readonly key: string;
  /** The fingerprint of its method, path, query string and (unless streamed) body. */
  readonly head: string;
  /** A bulk body, fingerprinted as it streams. */
  readonly streamed: boolean;
  readonly claim: Extract<Claim, { kind: 'claimed' }>;
}

/** A streamed request's fingerprint: its head and the digest of the bytes read. */
function withBody(head: string, digest: BodyDigest): string {
  return `${head}.${digest.bytes}.${digest.whole ? 'whole' : 'part'}.${digest.sha256}`;
}

/** The replay's fingerprint in the form the first answer was stored under. */
async function replayFingerprint(
  ctx: Context,
  head: string,
  stored: string,
  maxBytes: number,
): Promise<string> {
  const [, bytes, whole] = stored.split('.');
  const first = { bytes: Number(bytes ?? 0), whole: whole === 'whole', sha256: '' };
  return withBody(head, await digestLike(streamedBody(ctx, maxBytes).stream, first));
}

/**
 * A request under a key another attempt holds or answered: a different
 * request is a 422, the same one a 409 while the first is in progress, and
 * otherwise the first answer replayed.
 */
function answerRepeatedKey(
  ctx: Context,
  claim: Exclude<Claim, { kind: 'claimed' }>,
  fingerprint: string,
): void {
  if (claim.fingerprint !== fingerprint) {
    throw new UnprocessableError(
      'Idempotency-Key was already used for a different request (method, path or body differ); use a new key',
    );
  }
  if (claim.kind === 'in-progress') throw inProgress();
  replay(ctx, claim.answer);
}

/**
 * Runs the write under the key it claimed: the domain plans under it; a 2xx
 * answer (or one the handler asked to keep) is stored for replay; otherwise
 * the key is freed.
 */
async function answerUnderClaim(
  ctx: KeyedContext,
  next: Next,
  options: IdempotencyOptions,
  { key, head, streamed, claim }: ClaimedWrite,
): Promise<void> {
  const { store, scope } = options;
  const attempt = keyedAttempt(store, scope, key, claim);
  ctx.state.idempotency = attempt;
  if (streamed) {
    ctx.state.bulk.idempotency = keyedBulkAttempt(store, scope, key, claim);
    if (options.afterFirstBulkChunk) ctx.state.bulk.afterFirstChunk = options.afterFirstBulkChunk;
  }
  let stored = false;
  try {
    await next();
    const keep = (ctx.status >= 200 && ctx.status < 300) || ctx.state.keepAnswer === true;
    const answer = keep ? capture(ctx) : undefined;
    options.beforeAnswerStored?.();
    if (answer) {
      const maxBytes = options.streamed?.maxBytes ?? 0;
      const fingerprint = streamed ? withBody(head, streamedBody(ctx, maxBytes).digest()) : head;
      stored = await store.complete(scope, key, { ...claim, fingerprint }, answer);
    }
  } finally {
    if (!stored) {
      const dropPlan = attempt.refused();
      await store.release(scope, key, claim.token, { dropPlan }).catch((error: unknown) => {
        ctx.state.log.warn({ err: error }, 'could not release an Idempotency-Key reservation');
      });
    }
  }
}

/**
 * `Idempotency-Key` on writes (§3.6). The key is reserved atomically before
 * the handler runs, so two concurrent requests cannot both enqueue: the second
 * gets 409 (retry shortly) instead of waiting. A 2xx answer is kept for
 * `ttl` and replayed as is (status, body, Location, job id) for the same
 * method, path and body; a different request under the same key is 422. Any
 * other answer frees the key, so a refused or failed request may be retried.
 * The domain gets `ctx.state.idempotency` and stores its write's plan (ids,
 * version, clock) under the key before it enqueues: if the process dies
 * between the enqueue and storing the answer, the retry (once the dead
 * holder's lease ran out) repeats the same write, which BullMQ adds once.
 * A bulk request gets `ctx.state.bulk.idempotency` and plans each chunk the
 * same way before enqueuing it; its body's whole digest is checked only for
 * a replay of its answer (the retry of a crashed one is checked chunk by chunk).
 * Runs after the body parser (the body is part of the fingerprint).
 */
export function idempotency(options: IdempotencyOptions): Middleware<RequestState> {
  const { store, scope } = options;
  const skipPaths = new Set(options.skipPaths ?? []);
  const streamedPaths = new Set(options.streamed?.paths ?? []);
  const maxBytes = options.streamed?.maxBytes ?? 0;
  return async function replayIdempotentWrites(ctx, next) {
    const raw = ctx.get('Idempotency-Key');
    if (!WRITE_METHODS.has(ctx.method) || raw === '' || skipPaths.has(ctx.path)) return next();
    const key = checkedKey(raw);
    const streamed = streamedPaths.has(ctx.path);
    const head = requestFingerprint({
      method: ctx.method,
      path: ctx.path,
      querystring: ctx.querystring,
      body: streamed ? null : ctx.request.body,
    });
    const claim = await store.claim(scope, key, head);
    if (claim.kind !== 'claimed') {
      const fingerprint =
        streamed && claim.kind === 'answered'
          ? await replayFingerprint(ctx, head, claim.fingerprint, maxBytes)
          : head;
      answerRepeatedKey(ctx, claim, fingerprint);
      return;
    }
    await answerUnderClaim(ctx, next, options, { key, head, streamed, claim });
  };
}
