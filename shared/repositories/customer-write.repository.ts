import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { usernameKey } from '../customers/username-key.js';
import { ConflictError, NotFoundError } from '../errors/index.js';
import { jobIds, type ChangeEvent } from '../jobs/job-payloads.js';
import type { Customer, CustomerChanges } from '../schemas/customer.schema.js';
import type { MysqlPool } from './mysql-pool.repository.js';
import * as customerRows from './customer-rows.js';
import type { CustomerRow, EventRow } from './customer-rows.js';

interface OpBase {
  /** Unique per write (its job id): a retried job finds its event and changes nothing. */
  readonly opId: string;
  readonly requestId: string;
}

/** One customer write, as the persist worker hands it over. */
export type CustomerOp =
  | (OpBase & { readonly kind: 'create'; readonly customer: Customer })
  | (OpBase & {
      readonly kind: 'update';
      readonly uuid: string;
      readonly at: number;
      readonly changes: CustomerChanges;
    })
  | (OpBase & { readonly kind: 'delete'; readonly uuid: string; readonly at: number });

export interface CustomerOpOutcome {
  /** The committed change, or null when there was nothing to change (deleting a deleted customer). */
  readonly event: ChangeEvent | null;
  /** The customer right after this write. */
  readonly customer: Customer;
  /** True when the event already reached the queues (a replayed op). */
  readonly published: boolean;
}

interface MysqlErrorLike {
  code?: string;
  message?: string;
}

/**
 * The only writer of `customers` and `customer_events`. A batch of writes is
 * one transaction: each write reads its row `FOR UPDATE`, computes the new row
 * (version = previous + 1) and stores it together with its change event, so a
 * change is committed if and only if its event is (transactional outbox).
 */
export class CustomerWriteRepository {
  constructor(
    private readonly pool: MysqlPool,
    private readonly clock: () => number,
  ) {}

  /** Applies the writes in order in one transaction; any failure rolls back all of them. */
  async applyAll(ops: readonly CustomerOp[]): Promise<CustomerOpOutcome[]> {
    const connection = await this.pool.getConnection();
    try {
      await connection.beginTransaction();
      const outcomes: CustomerOpOutcome[] = [];
      for (const op of ops) outcomes.push(await this.apply(connection, op));
      await connection.commit();
      return outcomes;
    } catch (error) {
      await connection.rollback().catch(() => undefined);
      throw translate(error);
    } finally {
      connection.release();
    }
  }

  /** Records that these events reached the queues, so the relay leaves them alone. */
  async markPublished(eventIds: readonly string[]): Promise<void> {
    if (eventIds.length === 0) return;
    await this.pool.query(
      'UPDATE customer_events SET published_at = ? WHERE id IN (?) AND published_at IS NULL',
      [this.clock(), eventIds],
    );
  }

  /** Committed events not yet marked published and older than `olderThan` (µs), oldest first. */
  async unpublished(olderThan: number, limit: number): Promise<ChangeEvent[]> {
    const [rows] = await this.pool.query<EventRow[]>(
      `SELECT ${customerRows.EVENT_COLUMNS} FROM customer_events
       WHERE published_at IS NULL AND at < ? ORDER BY seq LIMIT ?`,
      [olderThan, limit],
    );
    return rows.map(customerRows.toEvent);
  }

  private async apply(connection: PoolConnection, op: CustomerOp): Promise<CustomerOpOutcome> {
    const [done] = await connection.query<EventRow[]>(
      `SELECT ${customerRows.EVENT_COLUMNS} FROM customer_events WHERE op_id = ?`,
      [op.opId],
    );
    if (done[0]) {
      const event = customerRows.toEvent(done[0]);
      return { event, customer: event.after as Customer, published: done[0].published_at !== null };
    }
    if (op.kind === 'create') {
      await insertCustomer(connection, op.customer);
      return this.record(connection, op, 'insert', null, op.customer);
    }
    const [rows] = await connection.query<CustomerRow[]>(
      `SELECT ${customerRows.CUSTOMER_COLUMNS} FROM customers WHERE uuid = ? FOR UPDATE`,
      [op.uuid],
    );
    const before = rows[0] ? customerRows.toCustomer(rows[0]) : null;
    if (!before) throw new NotFoundError(`customer ${op.uuid} not found`);
    if (op.kind === 'delete' && before.deleted) {
      return { event: null, customer: before, published: true };
    }
    if (before.deleted) throw new NotFoundError(`customer ${op.uuid} was deleted`);
    const after: Customer =
      op.kind === 'update'
        ? { ...before, ...op.changes, ...next(before, op.at) }
        : { ...before, deleted: true, ...next(before, op.at) };
    await updateCustomer(connection, after);
    return this.record(connection, op, op.kind, before, after);
  }

  private async record(
    connection: PoolConnection,
    op: CustomerOp,
    type: ChangeEvent['type'],
    before: Customer | null,
    after: Customer,
  ): Promise<CustomerOpOutcome> {
    const event: ChangeEvent = {
      id: jobIds.changeEvent('customers', after.uuid, after.version),
      type,
      entity: 'customers',
      key: after.uuid,
      before,
      after,
      version: after.version,
      at: this.clock(),
      requestId: op.requestId,
    };
    await connection.query(
      `INSERT INTO customer_events
         (id, op_id, customer_uuid, type, version, before_row, after_row, at, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        event.id,
        op.opId,
        event.key,
        type,
        event.version,
        before === null ? null : JSON.stringify(before),
        JSON.stringify(after),
        event.at,
        op.requestId,
      ],
    );
    return { event, customer: after, published: false };
  }
}

/** The version and timestamp of the next state; `updated_at` never goes backwards. */
function next(before: Customer, at: number): { version: number; updated_at: number } {
  return { version: before.version + 1, updated_at: Math.max(at, before.updated_at) };
}

function liveKey(customer: Customer): string | null {
  // A deleted customer gives its username up: NULL is outside the UNIQUE index.
  return customer.deleted ? null : usernameKey(customer.username);
}

/** The columns an insert and an update both write, in their statements' order. */
function profileValues(c: Customer): unknown[] {
  return [c.username, liveKey(c), c.address, c.income, c.name, c.email, c.phone];
}

async function insertCustomer(connection: PoolConnection, c: Customer): Promise<void> {
  await connection.query(
    `INSERT INTO customers (uuid, username, username_key, address, income, name, email, phone,
       created_at, updated_at, deleted, version) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    [c.uuid, ...profileValues(c), c.created_at, c.updated_at, c.deleted ? 1 : 0, c.version],
  );
}

async function updateCustomer(connection: PoolConnection, c: Customer): Promise<void> {
  await connection.query<RowDataPacket[]>(
    `UPDATE customers SET username = ?, username_key = ?, address = ?, income = ?, name = ?,
       email = ?, phone = ?, updated_at = ?, deleted = ?, version = ? WHERE uuid = ?`,
    [...profileValues(c), c.updated_at, c.deleted ? 1 : 0, c.version, c.uuid],
  );
}

/** Driver errors that mean "this write can never succeed" become typed errors. */
function translate(error: unknown): unknown {
  const mysqlError = error as MysqlErrorLike;
  if (mysqlError?.code === 'ER_DUP_ENTRY') {
    return new ConflictError(
      mysqlError.message?.includes('customers_username')
        ? 'username is already taken (MySQL unique index)'
        : 'customer already exists',
    );
  }
  if (
    mysqlError?.code === 'ER_CONSTRAINT_FAILED' ||
    mysqlError?.code === 'ER_CHECK_CONSTRAINT_VIOLATED'
  ) {
    return new ConflictError(`customer violates a table constraint: ${mysqlError.message ?? ''}`);
  }
  return error;
}
