import { expect } from 'chai';
import { checkHistory } from '../../support/history/checker.js';
import type { Fields, StoredKey } from '../../support/history/history.types.js';
import { RESOURCE_MODELS } from '../../support/history/resource-models.js';
import { HistoryBuilder, state, storedOf } from './history-builder.js';

const MODELS = [RESOURCE_MODELS.orders];
const K = 'aaaaaaaaaaaaaaaaaaaaaaaa';
const CREATED = {
  vehicle_manufacturer: 'vm-1',
  model: 'm-1',
  total_price: 1,
  status: 'new',
  deleted: false,
} as const;

/** An order created at v1, then PATCHed: total_price 3 at v2, 7 at v3, one after another. */
function threeWrites(options: { versions?: boolean } = {}): HistoryBuilder {
  const h = new HistoryBuilder();
  const v = (n: number) => (options.versions === false ? undefined : n);
  const order = (fields: Fields) => ({ ...CREATED, ...fields });
  h.op({
    resource: 'orders',
    kind: 'create',
    key: K,
    changes: CREATED,
    version: v(1),
    answered: order({}),
  });
  for (const [price, version] of [
    [3, 2],
    [7, 3],
  ] as const) {
    h.op({
      resource: 'orders',
      kind: 'update',
      key: K,
      changes: { total_price: price },
      version: v(version),
      answered: order({ total_price: price }),
    });
  }
  return h;
}

function check(h: HistoryBuilder, order: StoredKey | undefined) {
  return checkHistory(MODELS, h.ops, storedOf({ orders: order ? { [K]: order } : {} }));
}

function only(result: ReturnType<typeof check>, kind: string, count = 1) {
  const counts = {
    lost: result.lost,
    duplicated: result.duplicated,
    reordered: result.reordered,
    phantom: result.phantom,
  };
  expect(counts, JSON.stringify(result.findings)).to.deep.equal({
    lost: 0,
    duplicated: 0,
    reordered: 0,
    phantom: 0,
    [kind]: count,
  });
}

describe('history checker: a key whose store keeps its latest state (orders)', () => {
  it('passes the fold of its acknowledged writes in version order', () => {
    const result = check(threeWrites(), { primary: state(3, { ...CREATED, total_price: 7 }) });
    expect(result).to.include({ ops: 3, keys: 1, acknowledged: 3, lost: 0, phantom: 0 });
    expect(result.duplicated + result.reordered).to.equal(0);
    expect(result.anomalies).to.deep.equal([]);
  });

  it('finds a lost write: an acknowledged change missing from the document', () => {
    // Issue 25's first finding: total_price still an older value after both PATCHes got 202.
    only(check(threeWrites(), { primary: state(3, { ...CREATED, total_price: 3 }) }), 'lost');
  });

  it('finds a lost write: an acknowledged version the document never reached', () => {
    only(check(threeWrites(), { primary: state(2, { ...CREATED, total_price: 3 }) }), 'lost');
  });

  it('finds a lost write with no versions in the answers, by real time alone', () => {
    const result = check(threeWrites({ versions: false }), {
      primary: state(3, { ...CREATED, total_price: 3 }),
    });
    only(result, 'lost');
    expect(result.anomalies).to.have.length(3);
  });

  it('finds nothing wrong by real time alone when the writes overlapped', () => {
    const h = new HistoryBuilder();
    h.op({ resource: 'orders', kind: 'create', key: K, changes: CREATED });
    h.op({
      resource: 'orders',
      kind: 'update',
      key: K,
      changes: { total_price: 3 },
      overlap: true,
    });
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { total_price: 7 } });
    const result = check(h, { primary: state(3, { ...CREATED, total_price: 3 }) });
    expect(result.lost + result.phantom).to.equal(0);
  });

  it('finds a duplicated write: two acknowledged answers of one version', () => {
    const h = threeWrites();
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { model: 'm-4' }, version: 3 });
    const result = check(h, { primary: state(3, { ...CREATED, total_price: 7, model: 'm-4' }) });
    expect(result.duplicated).to.equal(1);
  });

  it('finds a reordered write: a later write of one client answered with a lower version', () => {
    const h = new HistoryBuilder();
    h.op({ resource: 'orders', kind: 'create', key: K, changes: CREATED, version: 1 });
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { total_price: 3 }, version: 3 });
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { model: 'm-2' }, version: 2 });
    only(
      check(h, { primary: state(3, { ...CREATED, total_price: 3, model: 'm-2' }) }),
      'reordered',
    );
  });

  it('finds a reordered answer: a resource without the change acknowledged before it', () => {
    const h = threeWrites();
    h.op({
      resource: 'orders',
      kind: 'update',
      key: K,
      changes: { model: 'm-4' },
      version: 4,
      // Computed on a stale read: the 7 acknowledged before is missing.
      answered: { ...CREATED, total_price: 3, model: 'm-4' },
    });
    only(
      check(h, { primary: state(4, { ...CREATED, total_price: 7, model: 'm-4' }) }),
      'reordered',
    );
  });

  it('finds a phantom: a stored value no write sent', () => {
    only(check(threeWrites(), { primary: state(3, { ...CREATED, total_price: 99 }) }), 'phantom');
  });

  it('finds a phantom: the value of a write that was refused', () => {
    const h = threeWrites();
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { model: 'm-9' }, status: 404 });
    only(check(h, { primary: state(3, { ...CREATED, total_price: 7, model: 'm-9' }) }), 'phantom');
  });

  it('finds a phantom: an order stored that no create sent', () => {
    const result = checkHistory(
      MODELS,
      [],
      storedOf({ orders: { [K]: { primary: state(1, CREATED) } } }),
    );
    only(result, 'phantom');
  });

  it('accepts an unanswered write either applied (matching its body) or not', () => {
    const applied = threeWrites();
    applied.op({
      resource: 'orders',
      kind: 'update',
      key: K,
      changes: { total_price: 9 },
      status: 0,
    });
    only(check(applied, { primary: state(4, { ...CREATED, total_price: 9 }) }), 'lost', 0);
    only(check(applied, { primary: state(3, { ...CREATED, total_price: 7 }) }), 'lost', 0);
  });

  it('accepts an unanswered create stored under a key no answer named', () => {
    const h = new HistoryBuilder();
    h.op({ resource: 'orders', kind: 'create', changes: CREATED, status: 503 });
    const result = check(h, { primary: state(1, CREATED) });
    only(result, 'lost', 0);
    expect(result.keys).to.equal(1);
  });

  it('finds a lost delete and a write acknowledged after a delete', () => {
    const h = threeWrites();
    h.op({ resource: 'orders', kind: 'delete', key: K, changes: { deleted: true }, version: 4 });
    only(check(h, { primary: state(3, { ...CREATED, total_price: 7 }) }), 'lost');
    h.op({ resource: 'orders', kind: 'update', key: K, changes: { model: 'm-6' }, version: 5 });
    const result = check(h, { primary: state(4, { ...CREATED, total_price: 7, deleted: true }) });
    only(result, 'lost');
    expect(result.findings[0]?.detail).to.match(/after the delete/);
  });
});
