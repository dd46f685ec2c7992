import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { ConflictError } from '../../../shared/domain/errors/index.js';
import { createMysqlPool, type MysqlPool } from '../../../shared/infra/databases/mysql-pool.js';
import {
  CustomerWriteRepository,
  type CustomerOp,
  type CustomerOpOutcome,
} from '../../../shared/domain/repositories/customer-write.repository.js';
import type { Customer } from '../../../shared/domain/schemas/customer.schema.js';
import { testConfig } from '../../support/test-config.js';

describe('CustomerWriteRepository on MariaDB (row + event in one transaction)', () => {
  let pool: MysqlPool;
  let writes: CustomerWriteRepository;
  let clock = 1000;

  before(() => {
    pool = createMysqlPool(testConfig().mysql);
    writes = new CustomerWriteRepository(pool, () => (clock += 1));
  });
  beforeEach(async () => {
    await pool.query('DELETE FROM customers');
    await pool.query('DELETE FROM customer_events');
  });
  after(() => pool.end());

  const customer = (username: string): Customer => ({
    uuid: crypto.randomUUID(),
    username,
    address: 'a',
    income: '1.00',
    name: null,
    email: null,
    phone: null,
    created_at: 1,
    updated_at: 1,
    deleted: false,
    version: 1,
  });
  /** What a job carries: the customer at its version and at the one before (key-heads.ts). */
  const create = (c: Customer): CustomerOp => ({
    opId: `customers-${c.uuid}-v1`,
    requestId: 'r',
    before: null,
    after: c,
  });
  const update = (before: Customer, address: string): CustomerOp => ({
    opId: `customers-${before.uuid}-v${before.version + 1}`,
    requestId: 'r',
    before,
    after: { ...before, address, updated_at: before.updated_at + 1, version: before.version + 1 },
  });
  /** The events a batch committed, oldest first; a write that waits has none. */
  const eventsOf = (outcomes: readonly CustomerOpOutcome[]) =>
    outcomes.flatMap((outcome) => (outcome.applied ? outcome.events : []));

  async function count(table: string): Promise<number> {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0]?.n);
  }

  async function storedVersion(uuid: string): Promise<number | undefined> {
    const [rows] = await pool.query<RowDataPacket[]>(
      'SELECT version FROM customers WHERE uuid = ?',
      [uuid],
    );
    return rows[0]?.version as number | undefined;
  }

  it('applies a replayed write (same version) once: one row change, one event', async () => {
    const c = customer('once');
    await writes.applyAll([create(c)]);
    const first = await writes.applyAll([update(c, 'b')]);
    const again = await writes.applyAll([update(c, 'b')]);
    expect(eventsOf(first).map((e) => e.version)).to.deep.equal([2]);
    expect(again[0]).to.deep.include({ applied: true, published: false });
    expect(eventsOf(again)).to.deep.equal(eventsOf(first));
    expect(await count('customer_events')).to.equal(2);
    expect(await storedVersion(c.uuid)).to.equal(2);
  });

  it('chains versions inside one batch: each write lands on the one before it', async () => {
    const c = customer('chain');
    const v2 = update(c, 'b');
    const v3 = update(v2.after, 'c');
    const events = eventsOf(await writes.applyAll([create(c), v2, v3]));
    expect(events.map((e) => e.version)).to.deep.equal([1, 2, 3]);
    expect(events.map((e) => e.type)).to.deep.equal(['insert', 'update', 'update']);
    expect(events[2]!.before).to.include({ address: 'b', version: 2 });
    expect(events[2]!.after).to.include({ address: 'c', version: 3 });
  });

  it('applies a write that arrives before its predecessor together with it (from `before`), and the predecessor then finds itself applied', async () => {
    const c = customer('early');
    const v2 = update(c, 'b');
    const v3 = update(v2.after, 'c');
    await writes.applyAll([create(c)]);
    const early = await writes.applyAll([v3]);
    expect(eventsOf(early).map((e) => [e.version, e.type])).to.deep.equal([
      [2, 'update'],
      [3, 'update'],
    ]);
    const late = await writes.applyAll([v2]);
    expect(late[0]).to.deep.include({ applied: true, customer: v2.after });
    expect(await count('customer_events')).to.equal(3);
    expect(await storedVersion(c.uuid)).to.equal(3);
  });

  it('lets a write more than one version ahead of the row wait, changing nothing', async () => {
    const c = customer('ahead');
    const v2 = update(c, 'b');
    const v3 = update(v2.after, 'c');
    const v4 = update(v3.after, 'd');
    await writes.applyAll([create(c)]);
    expect(await writes.applyAll([v4])).to.deep.equal([{ applied: false, storedVersion: 1 }]);
    expect(await storedVersion(c.uuid)).to.equal(1);
    expect(await count('customer_events')).to.equal(1);
    // And a create's successor with no row at all: it inserts the create from `before`.
    const d = customer('fresh');
    const events = eventsOf(await writes.applyAll([update(d, 'e')]));
    expect(events.map((e) => [e.type, e.version])).to.deep.equal([
      ['insert', 1],
      ['update', 2],
    ]);
  });

  it('rolls the whole batch back when one write breaks the unique username', async () => {
    const a = customer('same');
    const b = customer('SAME');
    let error: unknown;
    try {
      await writes.applyAll([create(a), create(b)]);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(ConflictError);
    expect(await count('customers')).to.equal(0);
    expect(await count('customer_events')).to.equal(0);
  });

  it('lists unpublished events until they are marked published', async () => {
    const c = customer('outbox');
    const [event] = eventsOf(await writes.applyAll([create(c)]));
    const pending = await writes.unpublished(Number.MAX_SAFE_INTEGER, 10);
    expect(pending.map((e) => e.id)).to.deep.equal([event!.id]);
    await writes.markPublished([event!.id]);
    expect(await writes.unpublished(Number.MAX_SAFE_INTEGER, 10)).to.deep.equal([]);
  });
});
