import type { Context, Middleware } from 'koa';
import type { BulkConfig } from '../../../config/index.js';
import {
  IdempotencyKeyReusedError,
  UnsupportedMediaTypeError,
} from '../../../shared/domain/errors/index.js';
import { bulkOperationDoc } from '../../../shared/infra/openapi/bulk-operation.js';
import { compileValidator, type Validator } from '../../../shared/infra/validation/ajv.js';
import { preferredWaitSeconds } from '../prefer-wait.js';
import type { RequestState } from '../request-id.js';
import type { Route, Schema, Validated } from '../route-table.js';
import { answerBulk } from './bulk-answer.js';
import { readBulkItems, type BulkFormat } from './bulk-items.js';
import { runBulkIntake, type BulkWriter } from './bulk-intake.js';
import { streamedBody } from './streamed-body.js';

export interface BulkRouteOptions {
  readonly bulk: BulkConfig;
  readonly preferWaitMaxSeconds: number;
}

/** JSON array or NDJSON; anything else is a 415 before a byte is read. */
export function bulkFormat(ctx: Context): BulkFormat {
  if (ctx.is('application/x-ndjson', 'application/jsonl', 'application/x-jsonlines')) {
    return 'ndjson';
  }
  if (ctx.is('application/json')) return 'json';
  throw new UnsupportedMediaTypeError(
    'unsupported content type: send a JSON array (application/json) or one JSON object per line (application/x-ndjson)',
  );
}

/**
 * `POST /<resource>/bulk` (§7): the body streamed through the resource's
 * bulk writer, answered with one result per item.
 */
export function bulkIntake<I, R>(
  writer: BulkWriter<I, R>,
  options: BulkRouteOptions,
): Middleware<RequestState> {
  const { bulk } = options;
  return async function takeBulkWrites(ctx) {
    const format = bulkFormat(ctx);
    const body = streamedBody(ctx, bulk.maxBytes);
    const waitSeconds = preferredWaitSeconds(ctx.get('Prefer'), options.preferWaitMaxSeconds);
    const run = await runBulkIntake(
      readBulkItems(body.stream, format, { maxItemBytes: bulk.maxItemBytes }),
      writer,
      {
        maxItems: bulk.maxItems,
        chunkSize: writer.chunkSize ?? bulk.chunkSize,
        guards: ctx.state.bulk,
        meta: {
          requestId: ctx.state.requestId,
          waitUntil: waitSeconds > 0 ? Date.now() + waitSeconds * 1000 : 0,
        },
      },
    );
    // Another body under the key: refused whole, and not kept as the key's answer
    // (the chunks it matched were the earlier attempt's, queued once).
    if (run.stop instanceof IdempotencyKeyReusedError) throw run.stop;
    // Enqueued work is part of this key's answer even when the request stopped early.
    if (run.accepted > 0) ctx.state.keepAnswer = true;
    if (run.stop) {
      const fields = { err: run.stop, accepted: run.accepted, processed: run.results.length };
      if (run.stop.status >= 500 && !run.stop.expose)
        ctx.state.log.error(fields, 'bulk request failed');
      else ctx.state.log.warn(fields, 'bulk request stopped early');
    }
    answerBulk(ctx, run, format, writer.resourceKey);
  };
}

/** What a bulk route documents: its path, what it creates, and the schemas of an item and of its answer. */
export interface BulkRouteDoc<S extends object> {
  readonly path: string;
  /** Plural noun of the summary ("users", "people (ids generated)"). */
  readonly what: string;
  readonly item: S;
  readonly resource: object;
}

/** A bulk writer whose items are validated by the route's item schema, then (optionally) refined. */
export type SchemaBulkWriter<V, I, R> = Omit<BulkWriter<NoInfer<I>, R>, 'validate'> & {
  /** Turns a valid item into what the writer takes (customers: the exact income). */
  readonly refine?: (item: V) => I;
};

/**
 * A bulk intake route (§7) for the route table: each item is validated with the
 * same schema its OpenAPI operation documents, and typed by it.
 */
export function bulkRoute<const S extends Schema, R, I = Validated<S>>(
  doc: BulkRouteDoc<S>,
  writer: SchemaBulkWriter<Validated<S>, I, R>,
  options: BulkRouteOptions,
): Route {
  return descriptorBulkRoute<Validated<S>, I, R>(doc, writer, options);
}

/**
 * `bulkRoute` for the routes made from a resource descriptor, whose item type
 * `V` is the descriptor's own (FromSchema of `doc.item`, stated where the
 * descriptor is declared): a generic schema cannot be inferred through FromSchema.
 */
export function descriptorBulkRoute<V, I, R>(
  doc: BulkRouteDoc<object>,
  writer: SchemaBulkWriter<V, I, R>,
  options: BulkRouteOptions,
): Route {
  // The validator compiled from the item schema checks exactly the type `V` names.
  const validateItem = compileValidator(doc.item) as Validator<V>;
  const { refine, ...rest } = writer;
  const validate: Validator<I> = refine
    ? (item, source) => refine(validateItem(item, source))
    : (validateItem as Validator<unknown> as Validator<I>);
  return {
    doc: bulkOperationDoc({ ...doc, resourceKey: writer.resourceKey }),
    streamed: 'bulk',
    middleware: bulkIntake({ ...rest, validate }, options),
  };
}
