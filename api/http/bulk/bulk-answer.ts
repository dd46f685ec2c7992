import type { Context } from 'koa';
import type { BulkFormat } from './bulk-items.js';
import type { BulkItemResult, BulkRun } from './bulk-intake.js';

/** 202 all queued; 201 all persisted (Prefer: wait); 207 some refused; the stop's own status if it ended early. */
export function bulkStatus(run: BulkRun<unknown>): number {
  if (run.stop) return run.stop.status;
  if (run.rejected > 0) return 207;
  return run.persisted ? 201 : 202;
}

function itemOf<R>(result: BulkItemResult<R>, resourceKey: string): Record<string, unknown> {
  if ('errors' in result) {
    return { index: result.index, status: result.status, errors: result.errors };
  }
  return {
    index: result.index,
    status: result.status,
    [resourceKey]: result.resource,
    job_id: result.jobId,
  };
}

function summaryOf(run: BulkRun<unknown>): Record<string, unknown> {
  const { stop } = run;
  return {
    result: stop === undefined,
    accepted: run.accepted,
    rejected: run.rejected,
    ...(stop && {
      errors: stop.expose ? stop.messages : ['internal error'],
      // Every item before this index has its result; none from it on was enqueued.
      processed: run.results.length,
    }),
  };
}

/**
 * Answers a bulk request (§7): one entry per item in input order and the
 * counts, as one JSON object, or for NDJSON one line per item and a summary
 * line last. A request that stopped early answers with the stop's status and
 * message and still lists every item it processed.
 */
export function answerBulk(
  ctx: Context,
  run: BulkRun<unknown>,
  format: BulkFormat,
  resourceKey: string,
): void {
  ctx.status = bulkStatus(run);
  if (run.stop) ctx.set(run.stop.headers);
  if (run.persisted) ctx.set('Preference-Applied', 'wait');
  const items = run.results.map((result) => itemOf(result, resourceKey));
  if (format === 'ndjson') {
    ctx.type = 'application/x-ndjson';
    const lines = items.map((item) => JSON.stringify(item));
    lines.push(JSON.stringify(summaryOf(run)));
    ctx.body = `${lines.join('\n')}\n`;
    return;
  }
  ctx.type = 'application/json';
  ctx.body = JSON.stringify({ ...summaryOf(run), items });
}
