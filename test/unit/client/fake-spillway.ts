import type { HttpAnswer, HttpRequest } from '../../../client/src/index.js';
import { TransportError } from '../../../client/src/transport.js';

/** What the fake does with one request instead of answering it normally. */
export type Fault =
  /** Answers this status before reading anything (nothing stored, the key freed). */
  | { readonly kind: 'status'; readonly status: number; readonly retryAfter?: string }
  /** The connection is refused: the request never reached the server. */
  | { readonly kind: 'refused' }
  /** The connection resets after the body was sent, before anything was processed. */
  | { readonly kind: 'reset-before' }
  /** The request is processed and its answer stored, then the connection resets. */
  | { readonly kind: 'reset-after' }
  /** A bulk request stops after `items` items with `status` (as §7's early stop). */
  | {
      readonly kind: 'stop';
      readonly items: number;
      readonly status: 429 | 503 | 500;
      readonly retryAfter?: string;
    };

/** A stored listing: its id and what the client sent. */
export interface StoredItem {
  readonly id: number;
  readonly item: Record<string, unknown>;
}

function json(status: number, body: unknown, headers: Record<string, string> = {}): HttpAnswer {
  return answer(status, JSON.stringify(body), { 'content-type': 'application/json', ...headers });
}

function answer(status: number, text: string, headers: Record<string, string>): HttpAnswer {
  return { status, text, header: (name) => headers[name] };
}

/**
 * A listing service in memory that behaves like Spillway's bulk intake where
 * the client can tell: ids from a counter, a `price` ≤ 0 refused on its own,
 * answers kept per Idempotency-Key (2xx, or any that queued something) and
 * replayed for the same key, `BULK_MAX_ITEMS` as a 413 that lists what it
 * took, and faults injected request by request.
 */
export class FakeSpillway {
  readonly stored: StoredItem[] = [];
  readonly requests: HttpRequest[] = [];
  readonly faults: Fault[] = [];
  /** The server's BULK_MAX_ITEMS. */
  maxItems = 10_000;
  /** Bodies over this many items are a 413 before anything is read (a proxy's limit). */
  maxBodyItems = Infinity;
  private readonly answers = new Map<string, HttpAnswer>();
  private nextId = 1;

  readonly send = async (request: HttpRequest): Promise<HttpAnswer> => {
    this.requests.push(request);
    await Promise.resolve();
    const fault = this.faults.shift();
    if (fault?.kind === 'refused') {
      throw new TransportError('connect ECONNREFUSED', false, 'ECONNREFUSED');
    }
    if (fault?.kind === 'reset-before')
      throw new TransportError('other side closed', true, 'UND_ERR_SOCKET');
    if (fault?.kind === 'status') {
      return json(
        fault.status,
        { result: false, errors: [`fault ${fault.status}`] },
        {
          ...(fault.retryAfter !== undefined && { 'retry-after': fault.retryAfter }),
        },
      );
    }
    const key = request.headers['idempotency-key'] ?? '';
    const replay = this.answers.get(key);
    const result = replay
      ? {
          ...replay,
          header: (name: string) => (name === 'idempotent-replayed' ? 'true' : replay.header(name)),
        }
      : this.process(request, fault?.kind === 'stop' ? fault : undefined);
    if (!replay && (result.status < 300 || /"accepted":[1-9]/.test(result.text))) {
      this.answers.set(key, result);
    }
    if (fault?.kind === 'reset-after')
      throw new TransportError('other side closed', true, 'ECONNRESET');
    return result;
  };

  private process(request: HttpRequest, stop?: Extract<Fault, { kind: 'stop' }>): HttpAnswer {
    const items = (request.body ?? '')
      .split('\n')
      .filter((line) => line !== '')
      .map((line) => JSON.parse(line) as Record<string, unknown>);
    if (items.length > this.maxBodyItems) {
      return json(413, { result: false, errors: ['request body too large'] });
    }
    const limit = Math.min(items.length, this.maxItems, stop?.items ?? Infinity);
    const lines = items.slice(0, limit).map((item, index) => {
      if (typeof item.price !== 'number' || item.price <= 0) {
        return { index, status: 400, errors: ['price must be greater than 0'] };
      }
      const id = this.nextId++;
      this.stored.push({ id, item });
      return { index, status: 202, listing: { id, ...item }, job_id: `listings-${id}-v1` };
    });
    const accepted = lines.filter((line) => line.status === 202).length;
    const summary: Record<string, unknown> = {
      result: limit === items.length,
      accepted,
      rejected: lines.length - accepted,
    };
    let status = lines.length === accepted ? 202 : 207;
    const headers: Record<string, string> = { 'content-type': 'application/x-ndjson' };
    if (limit < items.length) {
      status = stop?.status ?? 413;
      summary.processed = limit;
      summary.errors = [
        stop
          ? `stopped (${stop.status})`
          : `too many items: a bulk request may carry at most ${this.maxItems}`,
      ];
      if (stop?.retryAfter !== undefined) headers['retry-after'] = stop.retryAfter;
    }
    const text = [...lines, summary].map((line) => JSON.stringify(line)).join('\n');
    return answer(status, `${text}\n`, headers);
  }
}

/** A sleep that records what was asked and returns at once (retries without waiting). */
export function recordingSleep(): { sleep: (ms: number) => Promise<void>; delays: number[] } {
  const delays: number[] = [];
  return {
    delays,
    sleep: (ms) => {
      delays.push(ms);
      return new Promise((resolve) => setImmediate(resolve));
    },
  };
}

/** The base URL the client under test is given (never contacted: the transport is fake). */
export const FAKE_LISTINGS = 'http://listings.test:6000';
