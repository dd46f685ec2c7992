import { Pool } from 'undici';

/** One answered (or unanswered) write, with when it was sent and answered. */
export interface WriteOutcome {
  readonly kind: 'user' | 'listing';
  readonly sentAt: number;
  readonly answeredAt: number;
  /** HTTP status, or 0 when the request got no answer (connection error, timeout). */
  readonly status: number;
  /** The id in a 2xx answer. */
  readonly id?: number;
}

/** What a load run saw: every 2xx-acknowledged id per resource, and every outcome. */
export interface LoadResult {
  readonly acknowledged: { readonly users: number[]; readonly listings: number[] };
  readonly outcomes: readonly WriteOutcome[];
  /** Requests that got no HTTP answer: their write may or may not have been stored. */
  readonly unanswered: number;
}

export interface LoadOptions {
  /** Base URL of the user service (POST /users). */
  readonly usersUrl: string;
  /** Base URL of the listing service (POST /listings). */
  readonly listingsUrl: string;
  /** How many writes to send in all (users and listings alternate). */
  readonly total: number;
  /** Writes in flight at once, over as many keep-alive connections. */
  readonly concurrency?: number;
  /** Spread the writes over this long (ms); 0 sends as fast as the API answers. */
  readonly durationMs?: number;
  /** How long one request may take before it counts as unanswered. */
  readonly timeoutMs?: number;
}

export interface RunningLoad {
  /** Resolves once every write has been sent and answered (or given up on). */
  readonly done: Promise<LoadResult>;
  /** Writes answered so far. */
  answered(): number;
  /** Writes sent at or after `from` (ms since the epoch) and answered so far. */
  answeredSentSince(from: number): number;
  /** Sends no more writes; `done` resolves once those in flight are answered. */
  stop(): void;
}

/**
 * A load generator: posts users and listings through the HTTP API of real
 * processes over keep-alive connections, `concurrency` in flight, and records
 * which ids were acknowledged, so a reconciliation can count each one.
 */
export function startLoad(options: LoadOptions): RunningLoad {
  const concurrency = options.concurrency ?? 32;
  const timeoutMs = options.timeoutMs ?? 15_000;
  const interval = (options.durationMs ?? 0) / options.total;
  const poolOf = (url: string) =>
    new Pool(url, {
      connections: concurrency,
      keepAliveTimeout: 30_000,
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
  const pools = { user: poolOf(options.usersUrl), listing: poolOf(options.listingsUrl) };
  const outcomes: WriteOutcome[] = [];
  const started = Date.now();
  let next = 0;
  let stopped = false;

  const send = async (i: number): Promise<WriteOutcome> => {
    const kind = i % 2 === 0 ? 'user' : 'listing';
    const body =
      kind === 'user'
        ? { name: `load-${i}` }
        : { user_id: 1 + (i % 997), listing_type: i % 4 === 1 ? 'rent' : 'sale', price: 1000 + i };
    const sentAt = Date.now();
    try {
      const response = await pools[kind].request({
        method: 'POST',
        path: kind === 'user' ? '/users' : '/listings',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
      const text = await response.body.text();
      const status = response.statusCode;
      let id: number | undefined;
      if (status >= 200 && status < 300) {
        const parsed = JSON.parse(text) as { user?: { id: number }; listing?: { id: number } };
        id = kind === 'user' ? parsed.user?.id : parsed.listing?.id;
      }
      return { kind, sentAt, answeredAt: Date.now(), status, id };
    } catch {
      return { kind, sentAt, answeredAt: Date.now(), status: 0 };
    }
  };

  const lane = async () => {
    for (let i = next++; i < options.total && !stopped; i = next++) {
      const due = started + i * interval;
      if (due > Date.now()) await new Promise((resolve) => setTimeout(resolve, due - Date.now()));
      if (stopped) return;
      outcomes.push(await send(i));
    }
  };

  const done = Promise.all(Array.from({ length: concurrency }, lane))
    .then(() => Promise.all([pools.user.close(), pools.listing.close()]))
    .then((): LoadResult => {
      const acked = (kind: WriteOutcome['kind']) =>
        outcomes.flatMap((o) => (o.kind === kind && o.id !== undefined ? [o.id] : []));
      return {
        acknowledged: { users: acked('user'), listings: acked('listing') },
        outcomes,
        unanswered: outcomes.filter((o) => o.status === 0).length,
      };
    });
  return {
    done,
    answered: () => outcomes.length,
    answeredSentSince: (from) => outcomes.filter((o) => o.sentAt >= from).length,
    stop: () => {
      stopped = true;
    },
  };
}

/** Status counts of the writes sent between `from` and `to` (ms since the epoch). */
export function statusesBetween(
  result: LoadResult,
  from: number,
  to: number,
): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const o of result.outcomes) {
    if (o.sentAt < from || o.sentAt > to) continue;
    counts[String(o.status)] = (counts[String(o.status)] ?? 0) + 1;
  }
  return counts;
}

/** Two runs against the same stores, reconciled as one. */
export function mergeLoads(a: LoadResult, b: LoadResult): LoadResult {
  return {
    acknowledged: {
      users: [...a.acknowledged.users, ...b.acknowledged.users],
      listings: [...a.acknowledged.listings, ...b.acknowledged.listings],
    },
    outcomes: [...a.outcomes, ...b.outcomes],
    unanswered: a.unanswered + b.unanswered,
  };
}
