import { randomUUID } from 'node:crypto';
import { Pool } from 'undici';
import type { ClientOptions } from '../../client/src/index.js';

/**
 * The package as built (npm run build:client): what a user runs, not the
 * TypeScript source through tsx. Loaded by path so type-checking this file
 * needs no build; typed by the source it was compiled from.
 */
const CLIENT_DIST = new URL('../../client/dist/index.js', import.meta.url).href;
const { createClient } = (await import(CLIENT_DIST)) as typeof import('../../client/src/index.js');

/** One way of writing listings, measured for `seconds`. */
export interface WriterRun {
  readonly name: string;
  /** Items answered 2xx before the deadline, per second. */
  readonly writesPerSecond: number;
  readonly writes: number;
  readonly requests: number;
  /** This process's CPU (the load generator: callers, client, HTTP) per written item, µs. */
  readonly cpuMicrosPerWrite: number;
  readonly errors: number;
}

/** The listing each caller writes: a new price each time, so no two items are the same. */
const listing = (n: number) => ({ user_id: 1, listing_type: 'rent' as const, price: n + 1 });

/** Runs `body` against a deadline and measures it; `body` returns how many writes and requests it made. */
async function measured(
  name: string,
  seconds: number,
  body: (until: number) => Promise<{ writes: number; requests: number; errors: number }>,
): Promise<WriterRun> {
  const cpu = process.cpuUsage();
  const started = Date.now();
  const { writes, requests, errors } = await body(started + seconds * 1000);
  const elapsed = (Date.now() - started) / 1000;
  const used = process.cpuUsage(cpu);
  return {
    name,
    writesPerSecond: writes / elapsed,
    writes,
    requests,
    cpuMicrosPerWrite: writes > 0 ? (used.user + used.system) / writes : 0,
    errors,
  };
}

/** `callers` callers, each `POST /listings` one write after another (each answer read). */
export function singlePosts(url: string, callers: number, seconds: number): Promise<WriterRun> {
  return measured(`single POST, ${callers} callers`, seconds, async (until) => {
    const pool = new Pool(url, { connections: callers });
    let writes = 0;
    let errors = 0;
    let n = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (Date.now() < until) {
          const answer = await pool.request({
            path: '/listings',
            method: 'POST',
            headers: { 'content-type': 'application/json' },
            body: JSON.stringify(listing(n++)),
          });
          const body = (await answer.body.json()) as { listing?: { id: number } };
          if (answer.statusCode === 202 && body.listing) writes += 1;
          else errors += 1;
        }
      }),
    );
    await pool.close();
    return { writes, requests: writes + errors, errors };
  });
}

/** The same callers through @spillway/client: each `await spillway.listings.create(...)`. */
export function throughClient(
  url: string,
  callers: number,
  seconds: number,
  options: Omit<ClientOptions, 'services'> = {},
): Promise<WriterRun> {
  return measured(`client, ${callers} callers`, seconds, async (until) => {
    const spillway = createClient({ services: { listings: url }, ...options });
    let writes = 0;
    let errors = 0;
    let n = 0;
    await Promise.all(
      Array.from({ length: callers }, async () => {
        while (Date.now() < until) {
          try {
            await spillway.listings.create(listing(n++));
            writes += 1;
          } catch {
            errors += 1;
          }
        }
      }),
    );
    await spillway.close();
    return { writes, requests: spillway.stats().requests.sent, errors };
  });
}

/**
 * What a careful user writes by hand with every item at hand: NDJSON bodies
 * of `perRequest` items, `inFlight` requests at a time, each under its own
 * Idempotency-Key (as the client sends; `keyed: false` leaves it out), each
 * answer read and every item's line parsed.
 */
export function handWrittenBulk(
  url: string,
  seconds: number,
  options: { perRequest: number; inFlight: number; keyed: boolean },
): Promise<WriterRun> {
  const { perRequest, inFlight, keyed } = options;
  const name = `hand-written bulk ×${perRequest}, ${inFlight} at a time${keyed ? ', keyed' : ', no key'}`;
  return measured(name, seconds, async (until) => {
    const pool = new Pool(url, { connections: inFlight });
    let writes = 0;
    let requests = 0;
    let errors = 0;
    let n = 0;
    await Promise.all(
      Array.from({ length: inFlight }, async () => {
        while (Date.now() < until) {
          const lines = Array.from({ length: perRequest }, () => JSON.stringify(listing(n++)));
          const answer = await pool.request({
            path: '/listings/bulk',
            method: 'POST',
            headers: {
              'content-type': 'application/x-ndjson',
              ...(keyed && { 'idempotency-key': `bench-${randomUUID()}` }),
            },
            body: `${lines.join('\n')}\n`,
          });
          const text = (await answer.body.text()).trim();
          const results = JSON.parse(`[${text.replace(/\n/g, ',')}]`) as { status?: number }[];
          requests += 1;
          for (const result of results.slice(0, -1)) {
            if (result.status === 202) writes += 1;
            else errors += 1;
          }
        }
      }),
    );
    await pool.close();
    return { writes, requests, errors };
  });
}
