import { expect } from 'chai';
import { inKeyOrder } from '../../../../../shared/domain/repositories/created-resource.repository.js';
import type { CreatedState } from '../../../../../shared/domain/resources/created-resource.js';

interface Boat {
  readonly id: number;
  readonly name: string;
}

const at = (id: number, version: number, name = `v${version}`): CreatedState<Boat> => ({
  id,
  name,
  version,
});
const write = (id: number, version: number) => ({
  before: version === 1 ? null : at(id, version - 1),
  after: at(id, version),
});

describe('inKeyOrder: which writes of a batch land on the stored rows (§9)', () => {
  it('lands a create on no row, and a write on the version just before it', () => {
    const { outcomes, landing } = inKeyOrder([write(1, 1), write(2, 3)], new Map([[2, at(2, 2)]]));
    expect(outcomes).to.deep.equal([
      { landed: true, stored: [write(1, 1)] },
      { landed: true, stored: [write(2, 3)] },
    ]);
    expect(landing).to.deep.equal([at(1, 1), at(2, 3)]);
  });

  it('lands several versions of one key in one batch, whatever order they came in', () => {
    const { outcomes, landing } = inKeyOrder(
      [write(1, 4), write(1, 2), write(1, 3)],
      new Map([[1, at(1, 1)]]),
    );
    expect(outcomes.map((o) => o.landed)).to.deep.equal([true, true, true]);
    expect(landing).to.deep.equal([at(1, 4)]);
  });

  it('brings the version just before along when the row is two behind (its own job is then replayed)', () => {
    const { outcomes, landing } = inKeyOrder([write(1, 2)], new Map());
    expect(outcomes).to.deep.equal([
      { landed: true, stored: [{ before: null, after: at(1, 1) }, write(1, 2)] },
    ]);
    expect(landing).to.deep.equal([at(1, 2)]);
  });

  it('makes a write further ahead wait, and writes nothing for it', () => {
    const { outcomes, landing } = inKeyOrder([write(1, 5)], new Map([[1, at(1, 2)]]));
    expect(outcomes).to.deep.equal([{ landed: false, storedVersion: 2 }]);
    expect(landing).to.deep.equal([]);
  });

  it('replays a version the row has already, without writing it again', () => {
    const { outcomes, landing } = inKeyOrder([write(1, 2)], new Map([[1, at(1, 3)]]));
    expect(outcomes).to.deep.equal([{ landed: true, stored: [] }]);
    expect(landing).to.deep.equal([]);
  });
});
