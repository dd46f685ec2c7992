import { Pool } from 'undici';
import type { HistoryOp } from './history.types.js';
import type { HistoryService } from './pipeline-launcher.js';
import { outcomeOf, type Recorder } from './recorder.js';
import {
  KeySpace,
  type PlannedRequest,
  type RawAnswer,
  type ResourceEntry,
} from './resource-entry.js';
import type { SeededRandom } from './seeded-random.js';

export interface ClientOptions {
  readonly clients: number;
  /** Requests per second over all clients together (each paces itself to its share). */
  readonly ratePerSecond: number;
  /** Stop sending after this many requests, whatever else happens. */
  readonly maxOps: number;
  /** A request with no answer after this long is indeterminate (status 0). */
  readonly timeoutMs: number;
  /** Unique to the run; in every value written. */
  readonly tag: string;
}

export interface RunningClients {
  /** Sends no more requests; resolves once every client's last request was answered. */
  stop(): Promise<void>;
}

/**
 * Concurrent clients over keep-alive connections (one undici Pool per
 * service). Each client sends one request at a time, so it is sequential on
 * every key, while the clients share each resource's small key space and so
 * collide on keys. Every request and answer is recorded.
 */
export function startClients(
  options: ClientOptions,
  resources: readonly ResourceEntry[],
  urls: Readonly<Record<HistoryService, string>>,
  recorder: Recorder,
  rng: SeededRandom,
): RunningClients {
  const pools = new Map<string, Pool>();
  const poolFor = (service: HistoryService) => {
    let pool = pools.get(service);
    if (!pool) {
      pool = new Pool(urls[service], { connections: options.clients, keepAliveTimeout: 30_000 });
      pools.set(service, pool);
    }
    return pool;
  };
  const spaces = new Map(resources.map((r) => [r.model.name, new KeySpace(r.keySpace)]));
  const weights = resources.reduce((sum, r) => sum + r.weight, 0);
  const intervalMs = (1000 * options.clients) / options.ratePerSecond;
  let stopped = false;

  const client = async (index: number, random: SeededRandom) => {
    while (!stopped && recorder.ops.length < options.maxOps) {
      const started = Date.now();
      let roll = random.next() * weights;
      const resource = resources.find((r) => (roll -= r.weight) < 0) ?? resources[0]!;
      const space = spaces.get(resource.model.name)!;
      const id = recorder.nextId();
      const request = resource.plan({ rng: random, id, tag: options.tag, space });
      const op = await send(poolFor(resource.service), resource, request, {
        id,
        client: index,
        timeoutMs: options.timeoutMs,
      });
      recorder.record(op);
      space.learn(op);
      const pause = intervalMs * (0.5 + random.next()) - (Date.now() - started);
      if (pause > 0 && !stopped) await new Promise((resolve) => setTimeout(resolve, pause));
    }
  };
  const running = Promise.all(
    Array.from({ length: options.clients }, (_, i) => client(i, rng.fork())),
  );
  return {
    async stop() {
      stopped = true;
      await running;
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    },
  };
}

/** Sends one planned request and records it, with its answer, as the history's op. */
export async function send(
  pool: Pool,
  resource: Pick<ResourceEntry, 'model' | 'readAnswer'>,
  request: PlannedRequest,
  meta: { id: number; client: number; timeoutMs: number },
): Promise<HistoryOp> {
  const sentAt = Date.now();
  const answer = await exchange(pool, request, meta.timeoutMs);
  const answeredAt = Date.now();
  const facts = resource.readAnswer(request, answer);
  return {
    id: meta.id,
    client: meta.client,
    resource: resource.model.name,
    kind: request.kind,
    key: request.key ?? facts.key,
    method: request.method,
    path: request.path,
    body: request.body,
    changes: request.changes,
    sentAt,
    answeredAt,
    status: answer.status,
    outcome: outcomeOf(answer.status),
    version: facts.version,
    answered: facts.answered,
    answer: answer.json,
    error: answer.error,
  };
}

/** One request; status 0 when no answer came in time or the connection failed. */
async function exchange(
  pool: Pool,
  request: PlannedRequest,
  timeoutMs: number,
): Promise<RawAnswer> {
  try {
    const response = await pool.request({
      method: request.method,
      path: request.path,
      headers: {
        ...request.headers,
        ...(request.body && { 'content-type': 'application/json' }),
      },
      body: request.body ? JSON.stringify(request.body) : undefined,
      signal: AbortSignal.timeout(timeoutMs),
      headersTimeout: timeoutMs,
      bodyTimeout: timeoutMs,
    });
    const text = await response.body.text();
    let json: unknown;
    try {
      json = text ? JSON.parse(text) : undefined;
    } catch {
      json = text;
    }
    return { status: response.statusCode, headers: response.headers, json };
  } catch (error) {
    return { status: 0, headers: {}, error: String(error) };
  }
}
