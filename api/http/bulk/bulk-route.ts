import type { Context, Middleware } from 'koa';
import type { BulkConfig } from '../../../config/index.js';
import { UnsupportedMediaTypeError } from '../../../shared/errors/index.js';
import { preferredWaitSeconds } from '../prefer-wait.js';
import type { RequestState } from '../request-id.js';
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

/** The guards' item budgets (rate limit, backpressure), asked in turn before each chunk. */
function admission(state: RequestState): (items: number) => Promise<void> {
  const checks = state.admitItems ?? [];
  return async (items) => {
    for (const check of checks) await check(items);
  };
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
        admit: admission(ctx.state),
        meta: {
          requestId: ctx.state.requestId,
          waitUntil: waitSeconds > 0 ? Date.now() + waitSeconds * 1000 : 0,
        },
      },
    );
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
