import { Transform, type Readable } from 'node:stream';
import type { RowDataPacket } from 'mysql2/promise';
import type { ChangeEvent } from '../writes/write-jobs.js';
import type { Customer, CustomerEventsQuery } from '../schemas/customer.schema.js';
import type { PageQuery } from '../schemas/query.schema.js';
import type { MysqlPool } from '../../infra/databases/mysql-pool.js';
import { pageWindow, whereOf } from './page-window.js';
import {
  CUSTOMER_COLUMNS,
  EVENT_COLUMNS,
  toCustomer,
  toEvent,
  type CustomerRow,
  type EventRow,
} from './customer-rows.js';

/** Rows the username stream reads ahead at most: bounds memory whatever the table's size. */
const STREAM_HIGH_WATER_MARK = 256;

/** Reads of the `customers` and `customer_events` tables (writes: CustomerWriteRepository). */
export class CustomerRepository {
  constructor(private readonly pool: MysqlPool) {}

  /** The row, deleted or not; callers decide what a soft-deleted customer means to them. */
  async findByUuid(uuid: string): Promise<Customer | null> {
    const [rows] = await this.pool.query<CustomerRow[]>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers WHERE uuid = ?`,
      [uuid],
    );
    return rows[0] ? toCustomer(rows[0]) : null;
  }

  /** The customer unless it is unknown or soft-deleted. */
  async findLive(uuid: string): Promise<Customer | null> {
    const customer = await this.findByUuid(uuid);
    return customer && !customer.deleted ? customer : null;
  }

  /** Live customers, newest first (ties by uuid, descending). By number, or after a cursor. */
  async listPage(page: PageQuery): Promise<Customer[]> {
    const window = pageWindow(page, {
      first: 'created_at',
      second: 'uuid',
      secondKind: 'string',
      direction: 'desc',
    });
    const [rows] = await this.pool.query<CustomerRow[]>(
      `SELECT ${CUSTOMER_COLUMNS} FROM customers${whereOf('deleted = 0', window.condition)}
       ORDER BY created_at DESC, uuid DESC LIMIT ? OFFSET ?`,
      [...window.params, ...window.limit],
    );
    return rows.map(toCustomer);
  }

  /** The uuid of the committed customer holding this username key, or null. */
  async uuidHoldingUsername(usernameKey: string): Promise<string | null> {
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT uuid FROM customers WHERE username_key = ?',
      [usernameKey],
    );
    return rows[0] ? String(rows[0].uuid) : null;
  }

  /** Which of these username keys committed customers hold: key → uuid (one query). */
  async uuidsHoldingUsernames(usernameKeys: readonly string[]): Promise<Map<string, string>> {
    if (usernameKeys.length === 0) return new Map();
    const [rows] = await this.pool.query<RowDataPacket[]>(
      'SELECT username_key, uuid FROM customers WHERE username_key IN (?)',
      [usernameKeys],
    );
    return new Map(rows.map((row) => [String(row.username_key), String(row.uuid)]));
  }

  /**
   * Every live customer as `{uuid, username}`, streamed from the server: the
   * driver pauses the connection while the consumer is behind, so memory stays
   * bounded by the high-water mark, not by the table.
   */
  streamUsernames(): Readable {
    const rows = this.pool.pool
      .query('SELECT uuid, username FROM customers WHERE deleted = 0')
      .stream({ highWaterMark: STREAM_HIGH_WATER_MARK });
    const toPair = new Transform({
      objectMode: true,
      transform(row: { uuid: string; username: string }, _encoding, done) {
        done(null, { uuid: row.uuid, username: row.username });
      },
    });
    rows.on('error', (error) => toPair.destroy(error));
    return rows.pipe(toPair);
  }

  /** A customer's change events, oldest first; deleted customers keep their history. */
  async listEvents(uuid: string, page: CustomerEventsQuery): Promise<ChangeEvent[]> {
    const window = pageWindow(page, { first: 'version', direction: 'asc' });
    const [rows] = await this.pool.query<EventRow[]>(
      `SELECT ${EVENT_COLUMNS} FROM customer_events${whereOf('customer_uuid = ?', window.condition)}
       ORDER BY version ASC LIMIT ? OFFSET ?`,
      [uuid, ...window.params, ...window.limit],
    );
    return rows.map(toEvent);
  }
}
