import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { ConflictError, NotFoundError } from '../../../shared/errors/index.js';
import {
  createMysqlPool,
  type MysqlPool,
} from '../../../shared/repositories/mysql-pool.repository.js';
import {
  CustomerWriteRepository,
  type CustomerOp,
} from '../../../shared/repositories/customer-write.repository.js';
import type { Customer } from '../../../shared/schemas/customer.schema.js';
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
  const create = (c: Customer, opId = `create-${c.uuid}`): CustomerOp => ({
    kind: 'create',
    opId,
    requestId: 'r',
    customer: c,
  });
  const update = (uuid: string, opId: string, address: string): CustomerOp => ({
    kind: 'update',
    opId,
    requestId: 'r',
    uuid,
    at: 5,
    changes: { address },
  });

  async function count(table: string): Promise<number> {
    const [rows] = await pool.query<RowDataPacket[]>(`SELECT COUNT(*) AS n FROM ${table}`);
    return Number(rows[0]?.n);
  }

  it('applies a replayed op (same op id) once: one row change, one event', async () => {
    const c = customer('once');
    await writes.applyAll([create(c)]);
    const [first] = await writes.applyAll([update(c.uuid, 'op-1', 'b')]);
    const [again] = await writes.applyAll([update(c.uuid, 'op-1', 'b')]);
    expect(first!.event!.version).to.equal(2);
    expect(again!.event).to.deep.equal(first!.event);
    expect(await count('customer_events')).to.equal(2);
    const [rows] = await pool.query<RowDataPacket[]>('SELECT version FROM customers');
    expect(rows[0]?.version).to.equal(2);
  });

  it('chains versions inside one batch: each update sees the one before it', async () => {
    const c = customer('chain');
    const outcomes = await writes.applyAll([
      create(c),
      update(c.uuid, 'op-a', 'b'),
      update(c.uuid, 'op-b', 'c'),
    ]);
    expect(outcomes.map((o) => o.event!.version)).to.deep.equal([1, 2, 3]);
    expect(outcomes[2]!.event!.before).to.include({ address: 'b', version: 2 });
    expect(outcomes[2]!.event!.after).to.include({ address: 'c', version: 3 });
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

  it('refuses to update an unknown customer with NotFoundError', async () => {
    let error: unknown;
    try {
      await writes.applyAll([update(crypto.randomUUID(), 'op-x', 'b')]);
    } catch (caught) {
      error = caught;
    }
    expect(error).to.be.instanceOf(NotFoundError);
  });

  it('lists unpublished events until they are marked published', async () => {
    const c = customer('outbox');
    const [outcome] = await writes.applyAll([create(c)]);
    const pending = await writes.unpublished(Number.MAX_SAFE_INTEGER, 10);
    expect(pending.map((e) => e.id)).to.deep.equal([outcome!.event!.id]);
    await writes.markPublished([outcome!.event!.id]);
    expect(await writes.unpublished(Number.MAX_SAFE_INTEGER, 10)).to.deep.equal([]);
  });
});
