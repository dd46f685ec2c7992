import type { PoolConnection, RowDataPacket } from 'mysql2/promise';
import { usernameKey } from '../customers/username-key.js';
import { ConflictError } from '../errors/index.js';
import { stepFor } from '../../infra/queues/key-heads.js';
import { jobIds, type ChangeEvent } from '../writes/write-jobs.js';
import type { Customer } from '../schemas/customer.schema.js';
import type { MysqlPool } from '../../infra/databases/mysql-pool.js';
import * as customerRows from './customer-rows.js';
import type { CustomerRow, EventRow } from './customer-rows.js';

/**
 * One customer write, as the persist worker hands it over: the customer at
 * the write's version and just before it (see `persistCustomerJobSchema`).
 */
export interface CustomerOp {
  /** Its job id, unique per key and version: the event's op id. */
  readonly opId: string;
  readonly requestId: string;
  readonly before: Customer | null;
  readonly after: Customer;
}

export type CustomerOpOutcome =
  | {
      readonly applied: true;
      /** The changes committed for this write, oldest first (two when it applied its predecessor too). */
      readonly events: readonly ChangeEvent[];
      /** The customer at this write's version. */
      readonly customer: Customer;
      /** True when the events already reached the queues (a replayed write). */
      readonly published: boolean;
    }
  /** The row is more than one version behind: this write waits for the ones before it. */
  | { readonly applied: false; readonly storedVersion: number };

interface MysqlErrorLike {
  code?: string;
  message?: string;
}

/**
 * The only writer of `customers` and `customer_events`. A batch of writes is
 * one transaction: each write reads its row `FOR UPDATE` and is applied only
 * on the version just before its own, together with its change event, so a
 * change is committed if and only if its event is (transactional outbox), and
 * a key's events are its versions 1, 2, 3… with no gap, in order (§9).
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

  /** One write on the committed row, in key order (`stepFor`), with its change event(s). */
  private async apply(connection: PoolConnection, op: CustomerOp): Promise<CustomerOpOutcome> {
    const [rows] = await connection.query<CustomerRow[]>(
      `SELECT ${customerRows.CUSTOMER_COLUMNS} FROM customers WHERE uuid = ? FOR UPDATE`,
      [op.after.uuid],
    );
    const stored = rows[0] ? customerRows.toCustomer(rows[0]) : null;
    const storedVersion = stored?.version ?? 0;
    switch (stepFor(storedVersion, op)) {
      case 'replayed':
        return this.replayed(connection, op.after);
      case 'wait':
        return { applied: false, storedVersion };
      case 'apply': {
        const event = await this.change(connection, op.opId, op.requestId, stored, op.after);
        return { applied: true, events: [event], customer: op.after, published: false };
      }
      case 'apply-before-first': {
        const before = op.before as Customer;
        const predecessor = jobIds.persist('customers', before.uuid, before.version);
        const first = await this.change(connection, predecessor, op.requestId, stored, before);
        const event = await this.change(connection, op.opId, op.requestId, before, op.after);
        return { applied: true, events: [first, event], customer: op.after, published: false };
      }
    }
  }

  /** A write whose version the row already has: its event, as committed the first time. */
  private async replayed(connection: PoolConnection, after: Customer): Promise<CustomerOpOutcome> {
    const [done] = await connection.query<EventRow[]>(
      `SELECT ${customerRows.EVENT_COLUMNS} FROM customer_events
       WHERE customer_uuid = ? AND version = ?`,
      [after.uuid, after.version],
    );
    const row = done[0];
    if (!row) return { applied: true, events: [], customer: after, published: true };
    const event = customerRows.toEvent(row);
    return {
      applied: true,
      events: [event],
      customer: event.after as Customer,
      published: row.published_at !== null,
    };
  }

  /** Stores `after` over `before` (the committed row, or none) with its change event. */
  private async change(
    connection: PoolConnection,
    opId: string,
    requestId: string,
    before: Customer | null,
    after: Customer,
  ): Promise<ChangeEvent> {
    if (before === null) await insertCustomer(connection, after);
    else await updateCustomer(connection, after);
    const event: ChangeEvent = {
      id: jobIds.changeEvent('customers', after.uuid, after.version),
      type: changeType(before, after),
      entity: 'customers',
      key: after.uuid,
      before,
      after,
      version: after.version,
      at: this.clock(),
      requestId,
    };
    await connection.query(
      `INSERT INTO customer_events
         (id, op_id, customer_uuid, type, version, before_row, after_row, at, request_id)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      [
        event.id,
        opId,
        event.key,
        event.type,
        event.version,
        before === null ? null : JSON.stringify(before),
        JSON.stringify(after),
        event.at,
        requestId,
      ],
    );
    return event;
  }
}

function changeType(before: Customer | null, after: Customer): ChangeEvent['type'] {
  if (before === null) return 'insert';
  return after.deleted && !before.deleted ? 'delete' : 'update';
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

/**
 * An update keeps the row's `username_key` while its username stays the same
 * (byte for byte) and it stays live: a row whose key the username-folding
 * migration (006) set aside for a collision keeps that key, instead of
 * colliding with the customer who holds the name. A rename or a delete writes
 * the new key (or NULL). The key is assigned before `username`: MySQL
 * evaluates SET left to right, later terms seeing earlier assignments.
 */
async function updateCustomer(connection: PoolConnection, c: Customer): Promise<void> {
  const [username, key, ...rest] = profileValues(c);
  await connection.query<RowDataPacket[]>(
    `UPDATE customers SET
       username_key = IF(? IS NOT NULL AND username_key IS NOT NULL AND BINARY username = BINARY ?,
         username_key, ?),
       username = ?, address = ?, income = ?, name = ?,
       email = ?, phone = ?, updated_at = ?, deleted = ?, version = ? WHERE uuid = ?`,
    [key, username, key, username, ...rest, c.updated_at, c.deleted ? 1 : 0, c.version, c.uuid],
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
