import type { ResultSetHeader, RowDataPacket } from 'mysql2/promise';
import type { DeadLetter, DeadLetterStore } from '../../infra/queues/dead-letters.js';
import type { QueueName } from '../../infra/queues/queue-names.js';
import type { MysqlPool } from '../../infra/databases/mysql-pool.js';

/**
 * Which dead letters a search names: `open` (neither re-driven nor stored
 * since it failed), `redriven`, `stored` (a later run of its job completed),
 * or `all`.
 */
export type DeadLetterState = 'open' | 'redriven' | 'stored' | 'all';

export interface DeadLetterFilter {
  readonly id?: number;
  readonly queue?: string;
  readonly resource?: string;
  /** The key exactly (an id, uuid or ObjectId). */
  readonly key?: string;
  /** Text the error contains. */
  readonly error?: string;
  readonly state: DeadLetterState;
}

/** A dead letter as kept: its row id, how often its job failed for good, and what became of it. */
export interface StoredDeadLetter extends DeadLetter {
  readonly id: number;
  /** Times its job failed for good (a re-driven job may fail again). */
  readonly failures: number;
  readonly redrivenAt: number | null;
  readonly redrives: number;
  readonly storedAt: number | null;
}

interface DeadLetterRow extends RowDataPacket {
  id: number;
  queue: string;
  job_id: string;
  job_name: string;
  resource: string;
  resource_key: string | null;
  version: number | null;
  payload: string;
  error: string;
  attempts: number;
  failures: number;
  failed_at: number;
  redriven_at: number | null;
  redrives: number;
  stored_at: number | null;
}

const COLUMNS = [
  'queue',
  'job_id',
  'job_name',
  'resource',
  'resource_key',
  'version',
  'payload',
  'error',
  'attempts',
  'failed_at',
] as const;

/**
 * A job failing for good again (a re-driven one, or the same failure seen
 * twice after a crash) updates its letter and opens it again.
 */
const REOPEN = [
  ...COLUMNS.filter((c) => c !== 'queue' && c !== 'job_id').map((c) => `${c} = VALUES(${c})`),
  'failures = failures + 1',
  'redriven_at = NULL',
  'stored_at = NULL',
].join(', ');

const STATE_CONDITION: Readonly<Record<DeadLetterState, string | undefined>> = {
  open: 'redriven_at IS NULL AND stored_at IS NULL',
  redriven: 'redriven_at IS NOT NULL',
  stored: 'stored_at IS NOT NULL',
  all: undefined,
};

/** `text` for a LIKE pattern that matches it literally anywhere. */
function containing(text: string): string {
  return `%${text.replace(/[\\%_]/g, (c) => `\\${c}`)}%`;
}

function whereOf(filter: DeadLetterFilter, afterId = 0): { sql: string; params: unknown[] } {
  const conditions: string[] = ['id > ?'];
  const params: unknown[] = [afterId];
  const equal = (column: string, value: unknown) => {
    if (value === undefined) return;
    conditions.push(`${column} = ?`);
    params.push(value);
  };
  equal('id', filter.id);
  equal('queue', filter.queue);
  equal('resource', filter.resource);
  equal('resource_key', filter.key);
  if (filter.error !== undefined) {
    conditions.push('error LIKE ?');
    params.push(containing(filter.error));
  }
  const state = STATE_CONDITION[filter.state];
  if (state) conditions.push(state);
  return { sql: `WHERE ${conditions.join(' AND ')}`, params };
}

function parsePayload(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function toDeadLetter(row: DeadLetterRow): StoredDeadLetter {
  return {
    id: Number(row.id),
    queue: row.queue as QueueName,
    jobId: row.job_id,
    jobName: row.job_name,
    resource: row.resource,
    key: row.resource_key,
    version: row.version,
    payload: parsePayload(row.payload),
    error: row.error,
    attempts: row.attempts,
    failures: row.failures,
    failedAt: Number(row.failed_at),
    redrivenAt: row.redriven_at === null ? null : Number(row.redriven_at),
    redrives: row.redrives,
    storedAt: row.stored_at === null ? null : Number(row.stored_at),
  };
}

/** The only module that reads and writes the `dead_letters` table. */
export class DeadLetterRepository implements DeadLetterStore {
  constructor(private readonly pool: MysqlPool) {}

  /** One statement for every letter; a letter already kept for its queue and job id is reopened. */
  async record(letters: readonly DeadLetter[]): Promise<void> {
    if (letters.length === 0) return;
    const rows = letters.map((l) => [
      l.queue,
      l.jobId,
      l.jobName,
      l.resource,
      l.key,
      l.version,
      JSON.stringify(l.payload) ?? 'null',
      l.error,
      l.attempts,
      l.failedAt,
    ]);
    await this.pool.query(
      `INSERT INTO dead_letters (${COLUMNS.join(', ')}) VALUES ? ON DUPLICATE KEY UPDATE ${REOPEN}`,
      [rows],
    );
  }

  async markStored(queue: QueueName, jobIds: readonly string[], at: number): Promise<void> {
    if (jobIds.length === 0) return;
    await this.pool.query(
      'UPDATE dead_letters SET stored_at = ? WHERE queue = ? AND job_id IN (?) AND stored_at IS NULL',
      [at, queue, jobIds],
    );
  }

  /** Matches of `filter` in the order they failed first, from after row `afterId`. */
  async search(
    filter: DeadLetterFilter,
    page: { readonly limit: number; readonly afterId?: number },
  ): Promise<StoredDeadLetter[]> {
    const where = whereOf(filter, page.afterId);
    const [rows] = await this.pool.query<DeadLetterRow[]>(
      `SELECT * FROM dead_letters ${where.sql} ORDER BY id LIMIT ?`,
      [...where.params, page.limit],
    );
    return rows.map(toDeadLetter);
  }

  async count(filter: DeadLetterFilter): Promise<number> {
    const where = whereOf(filter);
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT COUNT(*) AS n FROM dead_letters ${where.sql}`,
      where.params,
    );
    return Number(rows[0]?.n ?? 0);
  }

  /**
   * Marks letters re-driven, each only if its job has not failed again since
   * it was read (`failures` unchanged): a new failure stays open.
   */
  async markRedriven(
    letters: readonly Pick<StoredDeadLetter, 'id' | 'failures'>[],
    at: number,
  ): Promise<number> {
    if (letters.length === 0) return 0;
    const [result] = await this.pool.query<ResultSetHeader>(
      'UPDATE dead_letters SET redriven_at = ?, redrives = redrives + 1 WHERE (id, failures) IN (?)',
      [at, letters.map((l) => [l.id, l.failures])],
    );
    return result.affectedRows;
  }

  /** Open dead letters (neither re-driven nor stored since) per resource. */
  async countOpenByResource(): Promise<Record<string, number>> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      `SELECT resource, COUNT(*) AS n FROM dead_letters WHERE ${STATE_CONDITION.open} GROUP BY resource`,
    );
    return Object.fromEntries(rows.map((row) => [String(row.resource), Number(row.n)]));
  }
}
