import type { RowDataPacket } from 'mysql2/promise';
import type { ChangeEvent } from '../writes/write-jobs.js';
import type { Customer } from '../schemas/customer.schema.js';

/** Every column a customer is returned with (not `username_key`, which is internal). */
export const CUSTOMER_COLUMNS =
  'uuid, username, address, income, name, email, phone, created_at, updated_at, deleted, version';

export const EVENT_COLUMNS =
  'id, customer_uuid, type, version, before_row, after_row, at, request_id, published_at';

export type CustomerRow = RowDataPacket & {
  uuid: string;
  username: string;
  address: string;
  income: string;
  name: string | null;
  email: string | null;
  phone: string | null;
  created_at: number;
  updated_at: number;
  deleted: number;
  version: number;
};

export type EventRow = RowDataPacket & {
  id: string;
  customer_uuid: string;
  type: ChangeEvent['type'];
  version: number;
  before_row: string | Record<string, unknown> | null;
  after_row: string | Record<string, unknown> | null;
  at: number;
  request_id: string;
  published_at: number | null;
};

/** A row as the API returns it: DECIMAL stays the driver's exact string, TINYINT becomes boolean. */
export function toCustomer(row: CustomerRow): Customer {
  return {
    uuid: row.uuid,
    username: row.username,
    address: row.address,
    income: String(row.income),
    name: row.name,
    email: row.email,
    phone: row.phone,
    created_at: Number(row.created_at),
    updated_at: Number(row.updated_at),
    deleted: Boolean(row.deleted),
    version: Number(row.version),
  };
}

// MariaDB sends JSON columns as text; MySQL 8 sends them typed and mysql2 parses them.
function jsonColumn(
  value: string | Record<string, unknown> | null,
): Record<string, unknown> | null {
  if (value === null) return null;
  return typeof value === 'string' ? (JSON.parse(value) as Record<string, unknown>) : value;
}

export function toEvent(row: EventRow): ChangeEvent {
  return {
    id: row.id,
    type: row.type,
    entity: 'customers',
    key: row.customer_uuid,
    before: jsonColumn(row.before_row),
    after: jsonColumn(row.after_row),
    version: Number(row.version),
    at: Number(row.at),
    requestId: row.request_id,
  };
}
