import type { Context } from 'koa';
import type { CacheOutcome } from '../../shared/infra/cache/read-through-cache.js';
import type { InputSource } from '../../shared/infra/validation/ajv.js';
import { bodyTypeCheck } from './body-type.js';
import { answerJsonText } from './json-text.js';

/**
 * Answers an accepted write: 201 if it is already persisted (the client sent
 * `Prefer: wait` and it finished in time), otherwise 202. Either way the body
 * carries the whole resource and the job id, and `Location` points at it.
 */
export function answerAcceptedWrite(
  ctx: Context,
  write: { jobId: string; persisted: boolean },
  location: string,
  body: Record<string, unknown>,
): void {
  ctx.status = write.persisted ? 201 : 202;
  ctx.set('Location', location);
  ctx.set('X-Job-Id', write.jobId);
  if (write.persisted) ctx.set('Preference-Applied', 'wait');
  const json = acceptedWriteJson(body, write.jobId);
  if (json === undefined) ctx.body = { result: true, ...body, job_id: write.jobId };
  else answerJsonText(ctx, json);
}

/**
 * The text `{ result: true, ...body, job_id }` serializes to, spliced from the
 * body's own JSON instead of built as a new object and typed by Koa (a mime
 * look-up per answer). Undefined when splicing could differ: an empty body,
 * or one with its own `result` or `job_id` (the spread would move or replace it).
 */
function acceptedWriteJson(body: Record<string, unknown>, jobId: string): string | undefined {
  if (Object.hasOwn(body, 'result') || Object.hasOwn(body, 'job_id')) return undefined;
  const inner = JSON.stringify(body);
  if (inner.length <= 2) return undefined;
  return `{"result":true,${inner.slice(1, -1)},"job_id":${JSON.stringify(jobId)}}`;
}

/** Marks a read answer with where it came from: `HIT`, `MISS`, or `BYPASS` (the cache down, §4). */
export function markCache(ctx: Context, hit: CacheOutcome): void {
  ctx.set('X-Cache', hit === 'bypass' ? 'BYPASS' : hit ? 'HIT' : 'MISS');
}

const isJsonBody = bodyTypeCheck('application/json');

/** JSON bodies keep their types; form bodies are text and get coerced. */
export function bodySource(ctx: Context): InputSource {
  return isJsonBody(ctx) ? 'json' : 'text';
}

/**
 * A resource's version as its entity tag (`"3"`), when it has one (orders,
 * customers): what `If-Match` names for a conditional write. Other reads are
 * tagged by a hash of their body (conditional-get.ts).
 */
export function tagVersion(ctx: Context, value: unknown): void {
  const version = (value as { version?: unknown } | null)?.version;
  if (typeof version === 'number') ctx.set('ETag', `"${version}"`);
}

/** Answers a cached read as `{ result: true, <field>: value }`, marked with where it came from. */
export function answerCachedRead(
  ctx: Context,
  field: string,
  read: { readonly value: unknown; readonly cacheHit: CacheOutcome },
): void {
  markCache(ctx, read.cacheHit);
  tagVersion(ctx, read.value);
  ctx.body = { result: true, [field]: read.value };
}
