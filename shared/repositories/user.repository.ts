import type { RowDataPacket } from 'mysql2/promise';
import type { MysqlPool } from './mysql-pool.repository.js';
import type { VersionedResource } from '../resources/created-resource.js';
import type { User } from '../schemas/user.schema.js';
import type { PageQuery } from '../schemas/query.schema.js';
import { buildVersionedUpsert } from './versioned-upsert.js';
import { maxIdOf } from './max-id.js';
import { NEWEST_FIRST, pageWindow, whereOf } from './page-window.js';

export interface VersionedUser {
  readonly user: User;
  readonly version: number;
}

const COLUMNS = ['id', 'name', 'created_at', 'updated_at'] as const;
const MUTABLE = ['name', 'updated_at'] as const;
const SELECT = 'SELECT id, name, created_at, updated_at FROM users';

type UserRow = RowDataPacket & User;

function toUser(row: UserRow): User {
  return { id: row.id, name: row.name, created_at: row.created_at, updated_at: row.updated_at };
}

/** The only module that reads and writes the `users` table. */
export class UserRepository {
  constructor(private readonly pool: MysqlPool) {}

  /** Writes every row in one statement; idempotent and version-checked. */
  async upsertMany(rows: readonly VersionedUser[]): Promise<void> {
    if (rows.length === 0) return;
    const params = rows.flatMap(({ user, version }) => [
      user.id,
      user.name,
      user.created_at,
      user.updated_at,
      version,
    ]);
    await this.pool.query(buildVersionedUpsert('users', COLUMNS, MUTABLE, rows.length), params);
  }

  /** `upsertMany` for the generic persist worker, which holds `{ resource, version }` writes. */
  upsertVersions(writes: readonly VersionedResource<User>[]): Promise<void> {
    return this.upsertMany(writes.map(({ resource, version }) => ({ user: resource, version })));
  }

  async findById(id: number): Promise<User | null> {
    const [rows] = await this.pool.query<UserRow[]>(`${SELECT} WHERE id = ?`, [id]);
    return rows[0] ? toUser(rows[0]) : null;
  }

  async findByIds(ids: readonly number[]): Promise<User[]> {
    if (ids.length === 0) return [];
    const [rows] = await this.pool.query<UserRow[]>(`${SELECT} WHERE id IN (?)`, [ids]);
    return rows.map(toUser);
  }

  /** Newest first; ties broken by id, newest first too. By number, or after a cursor (keyset). */
  async listPage(page: PageQuery): Promise<User[]> {
    const window = pageWindow(page, NEWEST_FIRST);
    const [rows] = await this.pool.query<UserRow[]>(
      `${SELECT}${whereOf(window.condition)} ORDER BY created_at DESC, id DESC LIMIT ? OFFSET ?`,
      [...window.params, ...window.limit],
    );
    return rows.map(toUser);
  }

  async maxId(): Promise<number> {
    return maxIdOf(this.pool, 'users');
  }
}
