import { expect } from 'chai';
import { checkHistory } from '../../support/history/checker.js';
import type { Fields, StoredKey } from '../../support/history/history.types.js';
import { RESOURCE_MODELS } from '../../support/history/resource-models.js';
import { chain, HistoryBuilder, state, storedOf } from './history-builder.js';

const MODELS = [RESOURCE_MODELS.customers];
const K = '00000000-0000-4000-8000-000000000001';
const CREATED = {
  username: 'u-1',
  address: 'a-1',
  income: '1.00',
  name: 'n-1',
  email: null,
  phone: null,
  deleted: false,
} as const;

/** A customer created, renamed and moved by two clients, one after the other. */
function history(): { h: HistoryBuilder; states: ReturnType<typeof state>[] } {
  const h = new HistoryBuilder();
  const customer = (fields: Fields) => ({ ...CREATED, ...fields });
  const writes: [Fields, 'create' | 'rename' | 'update'][] = [
    [CREATED, 'create'],
    [{ username: 'u-2' }, 'rename'],
    [{ address: 'a-3', income: '3.00' }, 'update'],
  ];
  const states: ReturnType<typeof state>[] = [];
  let fields: Fields = {};
  writes.forEach(([changes, kind], i) => {
    fields = customer({ ...fields, ...changes });
    states.push(state(i + 1, fields));
    h.op({
      resource: 'customers',
      kind,
      key: K,
      changes,
      version: i + 1,
      answered: fields,
      client: i % 2,
    });
  });
  return { h, states };
}

function check(h: HistoryBuilder, stored: StoredKey) {
  return checkHistory(MODELS, h.ops, storedOf({ customers: { [K]: stored } }));
}

/** Row and replica at the last state, events the chain of `states`. */
function consistent(states: ReturnType<typeof state>[]): StoredKey {
  const last = states.at(-1)!;
  return { primary: last, replica: last, events: chain(states) };
}

function counts(result: ReturnType<typeof check>) {
  const { lost, duplicated, reordered, phantom } = result;
  return { lost, duplicated, reordered, phantom };
}

const NONE = { lost: 0, duplicated: 0, reordered: 0, phantom: 0 };

describe('history checker: a key with change events and a replica (customers)', () => {
  it('passes a chain of one event per acknowledged write, row and replica at its end', () => {
    const { h, states } = history();
    const result = check(h, consistent(states));
    expect(counts(result), JSON.stringify(result.findings)).to.deep.equal(NONE);
    expect(result).to.include({ ops: 3, keys: 1, acknowledged: 3 });
  });

  it('finds a lost write: an acknowledged change with no event', () => {
    const { h, states } = history();
    const kept = [states[0]!, state(2, states[1]!.fields)];
    const result = check(h, consistent(kept));
    expect(counts(result)).to.deep.equal({ ...NONE, lost: 1 });
  });

  it('finds a lost write: the replica behind the row', () => {
    const { h, states } = history();
    const result = check(h, { ...consistent(states), replica: states[1] });
    expect(counts(result)).to.deep.equal({ ...NONE, lost: 1 });
  });

  it('finds a duplicated write: one write applied as two versions', () => {
    const { h, states } = history();
    const again = state(4, states[2]!.fields);
    const result = check(h, consistent([...states, again]));
    expect(counts(result)).to.deep.equal({ ...NONE, duplicated: 1 });
  });

  it('finds a reordered write: events in another order than the answers', () => {
    const { h } = history();
    // The rename (answered v2) applied after the move (answered v3).
    const moved = state(2, { ...CREATED, address: 'a-3', income: '3.00' });
    const renamed = state(3, { ...moved.fields, username: 'u-2' });
    const result = check(h, consistent([state(1, CREATED), moved, renamed]));
    expect(result.reordered).to.be.at.least(1);
    expect(result.lost + result.duplicated + result.phantom).to.equal(0);
  });

  it('finds a reordered answer: two writers answered one version, as issue 25 saw', () => {
    const { h, states } = history();
    h.op({
      resource: 'customers',
      kind: 'update',
      key: K,
      changes: { phone: 'p-4' },
      version: 3,
      answered: { ...states[1]!.fields, phone: 'p-4' },
    });
    const fourth = state(4, { ...states[2]!.fields, phone: 'p-4' });
    const result = check(h, consistent([...states, fourth]));
    expect(result.duplicated).to.equal(1);
    expect(result.reordered).to.equal(1);
    expect(result.lost + result.phantom).to.equal(0);
  });

  it('finds a phantom: an event no client sent, and a replica that differs', () => {
    const { h, states } = history();
    const invented = state(4, { ...states[2]!.fields, name: 'nobody' });
    expect(counts(check(h, consistent([...states, invented])))).to.deep.equal({
      ...NONE,
      phantom: 1,
    });
    const replica = state(3, { ...states[2]!.fields, address: 'a-1' });
    expect(counts(check(h, { ...consistent(states), replica }))).to.deep.equal({
      ...NONE,
      phantom: 1,
    });
  });

  it('finds a phantom: a broken chain (an event that starts where none ended)', () => {
    const { h, states } = history();
    const events = chain(states);
    // v3 starts from an address v2 never left.
    const before = state(2, { ...states[1]!.fields, address: 'a-x' });
    const broken = [events[0]!, events[1]!, { ...events[2]!, before }];
    const result = check(h, { primary: states[2], replica: states[2], events: broken });
    expect(counts(result)).to.deep.equal({ ...NONE, phantom: 1 });
  });

  it('counts a username change refused with 409 as never applied', () => {
    const { h, states } = history();
    h.op({
      resource: 'customers',
      kind: 'rename',
      key: K,
      changes: { username: 'x' },
      status: 409,
    });
    expect(counts(check(h, consistent(states)))).to.deep.equal(NONE);
    const applied = state(4, { ...states[2]!.fields, username: 'x' });
    expect(counts(check(h, consistent([...states, applied])))).to.deep.equal({
      ...NONE,
      phantom: 1,
    });
  });
});
