import { expect } from 'chai';
import { checkHistory } from '../../support/history/checker.js';
import type { StoredKey } from '../../support/history/history.types.js';
import { RESOURCE_MODELS } from '../../support/history/resource-models.js';
import { HistoryBuilder, state, storedOf } from './history-builder.js';

const MODELS = [RESOURCE_MODELS.users];

/** Users created by name; `stored` maps an id to the name its row and replica hold. */
function check(h: HistoryBuilder, stored: Record<string, string | StoredKey>) {
  const keys = Object.fromEntries(
    Object.entries(stored).map(([id, value]) => [
      id,
      typeof value === 'string'
        ? { primary: state(1, { name: value }), replica: state(1, { name: value }) }
        : value,
    ]),
  );
  const result = checkHistory(MODELS, h.ops, storedOf({ users: keys }));
  const { lost, duplicated, reordered, phantom } = result;
  return { counts: { lost, duplicated, reordered, phantom }, result };
}

const NONE = { lost: 0, duplicated: 0, reordered: 0, phantom: 0 };

function twoUsers(): HistoryBuilder {
  const h = new HistoryBuilder();
  h.op({ resource: 'users', kind: 'create', key: '1', changes: { name: 'h-1' }, version: 1 });
  h.op({ resource: 'users', kind: 'create', key: '2', changes: { name: 'h-2' }, version: 1 });
  return h;
}

describe('history checker: resources written once (users, listings, people)', () => {
  it('passes every acknowledged create stored once, in both stores', () => {
    const { counts, result } = check(twoUsers(), { 1: 'h-1', 2: 'h-2' });
    expect(counts).to.deep.equal(NONE);
    expect(result).to.include({ ops: 2, keys: 2, acknowledged: 2 });
  });

  it('finds a lost create: no row, or no replica', () => {
    expect(check(twoUsers(), { 1: 'h-1' }).counts).to.deep.equal({ ...NONE, lost: 1 });
    const rowOnly = { primary: state(1, { name: 'h-2' }) };
    expect(check(twoUsers(), { 1: 'h-1', 2: rowOnly }).counts).to.deep.equal({ ...NONE, lost: 1 });
  });

  it('finds a duplicated create: one write stored under two ids', () => {
    expect(check(twoUsers(), { 1: 'h-1', 2: 'h-2', 3: 'h-2' }).counts).to.deep.equal({
      ...NONE,
      duplicated: 1,
    });
  });

  it('finds a duplicated create: one id answered to two writes', () => {
    const h = twoUsers();
    h.op({ resource: 'users', kind: 'create', key: '2', changes: { name: 'h-3' }, version: 1 });
    expect(check(h, { 1: 'h-1', 2: 'h-2' }).counts).to.deep.equal({ ...NONE, duplicated: 1 });
  });

  it('finds a phantom: a row no write sent, and one of a write refused', () => {
    expect(check(twoUsers(), { 1: 'h-1', 2: 'h-2', 3: 'ghost' }).counts).to.deep.equal({
      ...NONE,
      phantom: 1,
    });
    const h = twoUsers();
    h.op({ resource: 'users', kind: 'create', changes: { name: 'h-3' }, status: 400 });
    expect(check(h, { 1: 'h-1', 2: 'h-2', 3: 'h-3' }).counts).to.deep.equal({
      ...NONE,
      phantom: 1,
    });
  });

  it('accepts an unanswered create stored or not, once', () => {
    const h = twoUsers();
    h.op({ resource: 'users', kind: 'create', changes: { name: 'h-3' }, status: 0 });
    expect(check(h, { 1: 'h-1', 2: 'h-2', 3: 'h-3' }).counts).to.deep.equal(NONE);
    expect(check(h, { 1: 'h-1', 2: 'h-2' }).counts).to.deep.equal(NONE);
    expect(check(h, { 1: 'h-1', 2: 'h-2', 3: 'h-3', 4: 'h-3' }).counts).to.deep.equal({
      ...NONE,
      duplicated: 1,
    });
  });
});
