import type { HttpAnswer } from './transport.js';

/** One item's line of a bulk answer (`{"index":0,"status":202,"listing":{...},"job_id":"..."}`). */
export interface BulkItemLine {
  readonly index: number;
  readonly status: number;
  readonly errors?: readonly string[];
  readonly job_id?: string;
  readonly [resourceKey: string]: unknown;
}

/** The counts line of a bulk answer; `processed` is there when the request stopped early. */
export interface BulkSummary {
  readonly result: boolean;
  readonly accepted?: number;
  readonly rejected?: number;
  readonly errors?: readonly string[];
  readonly processed?: number;
}

/**
 * What a bulk answer said: item results (the request ran; with `processed`
 * when it stopped early: every item before it has its line, none from it on
 * was enqueued), only a request-level error, or nothing readable.
 */
export type BulkAnswer =
  | {
      readonly kind: 'items';
      readonly lines: ReadonlyMap<number, BulkItemLine>;
      readonly summary: BulkSummary;
    }
  | { readonly kind: 'request'; readonly errors: readonly string[] }
  | { readonly kind: 'unreadable'; readonly problem: string };

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function messages(value: unknown): readonly string[] {
  return Array.isArray(value) ? value.map(String) : [];
}

function itemsFrom(values: readonly unknown[], summary: Record<string, unknown>): BulkAnswer {
  const lines = new Map<number, BulkItemLine>();
  for (const value of values) {
    if (isRecord(value) && typeof value.index === 'number' && typeof value.status === 'number') {
      lines.set(value.index, value as BulkItemLine);
    }
  }
  return { kind: 'items', lines, summary: summary as unknown as BulkSummary };
}

/** A bulk answer, NDJSON (one line per item, the counts last) or JSON (`{..., "items": [...]}`). */
export function readBulkAnswer(answer: HttpAnswer): BulkAnswer {
  const text = answer.text.trim();
  if (text === '') return { kind: 'unreadable', problem: 'empty answer' };
  const type = answer.header('content-type') ?? '';
  try {
    if (type.includes('ndjson')) {
      // One parse of the lines as an array: cheaper than a parse per line.
      const values = JSON.parse(`[${text.replace(/\r?\n/g, ',')}]`) as unknown[];
      const summary = values[values.length - 1];
      if (!isRecord(summary) || 'index' in summary) {
        return { kind: 'unreadable', problem: 'an NDJSON answer without its counts line' };
      }
      return itemsFrom(values.slice(0, -1), summary);
    }
    const body = JSON.parse(text) as unknown;
    if (!isRecord(body)) return { kind: 'unreadable', problem: 'an answer that is not an object' };
    if (Array.isArray(body.items)) return itemsFrom(body.items, body);
    return { kind: 'request', errors: messages(body.errors) };
  } catch (error) {
    return { kind: 'unreadable', problem: `not JSON: ${(error as Error).message}` };
  }
}

/** The `errors` of a request-level JSON answer (`{"result":false,"errors":[...]}`), if any. */
export function answerErrors(answer: HttpAnswer): readonly string[] {
  try {
    const body = JSON.parse(answer.text) as unknown;
    return isRecord(body) ? messages(body.errors) : [];
  } catch {
    return answer.text.trim() === '' ? [] : [answer.text.trim().slice(0, 200)];
  }
}
