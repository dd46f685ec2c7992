import { expect } from 'chai';
import { GroupCommitter } from '../../../workers/group-commit.js';

/** An in-memory store recording every call the committer makes. */
class FakeStore {
  readonly batches: number[][] = [];
  readonly singles: number[] = [];
  readonly committed: number[] = [];
  failBatches = false;
  readonly badItems = new Set<number>();

  commitBatch = async (items: readonly number[]): Promise<void> => {
    this.batches.push([...items]);
    if (this.failBatches) throw new Error('batch failed');
    this.committed.push(...items);
  };

  commitOne = async (item: number): Promise<void> => {
    this.singles.push(item);
    if (this.badItems.has(item)) throw new Error(`item ${item} is bad`);
    this.committed.push(item);
  };
}

function committerFor(
  store: FakeStore,
  options: { maxBatch?: number; maxWaitMs?: number; sizes?: number[] } = {},
): GroupCommitter<number> {
  return new GroupCommitter<number>({
    traceName: 'commit numbers',
    commitBatch: store.commitBatch,
    commitOne: store.commitOne,
    maxBatch: options.maxBatch ?? 100,
    maxWaitMs: options.maxWaitMs ?? 5,
    onBatch: options.sizes ? (size) => options.sizes?.push(size) : undefined,
  });
}

type Outcome = { status: 'resolved' } | { status: 'rejected'; message: string };

function outcomeOf(promise: Promise<void>): Promise<Outcome> {
  return promise.then(
    (): Outcome => ({ status: 'resolved' }),
    (error: unknown): Outcome => ({
      status: 'rejected',
      message: error instanceof Error ? error.message : String(error),
    }),
  );
}

describe('GroupCommitter', () => {
  describe('batching', () => {
    it('commits items submitted together in one batch', async () => {
      const store = new FakeStore();
      const committer = committerFor(store);
      await Promise.all([committer.submit(1), committer.submit(2), committer.submit(3)]);
      expect(store.batches).to.deep.equal([[1, 2, 3]]);
      expect(store.singles).to.deep.equal([]);
    });

    it('splits items into batches of at most maxBatch, in submission order', async () => {
      const store = new FakeStore();
      const sizes: number[] = [];
      const committer = committerFor(store, { maxBatch: 2, sizes });
      await Promise.all([1, 2, 3, 4, 5].map((item) => committer.submit(item)));
      expect(store.batches).to.deep.equal([[1, 2], [3, 4], [5]]);
      expect(sizes).to.deep.equal([2, 2, 1]);
    });

    it('commits a full batch at once, without waiting for the timer', () => {
      const store = new FakeStore();
      const committer = committerFor(store, { maxBatch: 2, maxWaitMs: 60_000 });
      void committer.submit(1);
      void committer.submit(2);
      expect(store.batches).to.deep.equal([[1, 2]]);
    });

    it('holds a partial batch until maxWaitMs has passed', () => {
      const store = new FakeStore();
      const committer = committerFor(store, { maxBatch: 10 });
      const pending = committer.submit(1);
      expect(store.batches).to.deep.equal([]);
      return pending;
    });

    it('flushes a partial batch once maxWaitMs has passed, with no further submits', async () => {
      const store = new FakeStore();
      const committer = committerFor(store, { maxBatch: 10, maxWaitMs: 5 });
      await Promise.all([committer.submit(1), committer.submit(2)]);
      expect(store.batches).to.deep.equal([[1, 2]]);
      expect(store.committed).to.deep.equal([1, 2]);
    });

    it('starts a new batch for items submitted after the previous one was flushed', async () => {
      const store = new FakeStore();
      const committer = committerFor(store);
      await committer.submit(1);
      await committer.submit(2);
      expect(store.batches).to.deep.equal([[1], [2]]);
    });
  });

  describe('when a batch fails', () => {
    it('retries each item alone and rejects only the item whose own commit fails', async () => {
      const store = new FakeStore();
      store.failBatches = true;
      store.badItems.add(2);
      const committer = committerFor(store);
      const outcomes = await Promise.all(
        [1, 2, 3].map((item) => outcomeOf(committer.submit(item))),
      );
      expect(outcomes).to.deep.equal([
        { status: 'resolved' },
        { status: 'rejected', message: 'item 2 is bad' },
        { status: 'resolved' },
      ]);
      expect(store.batches).to.deep.equal([[1, 2, 3]]);
      expect([...store.singles].sort()).to.deep.equal([1, 2, 3]);
      expect([...store.committed].sort()).to.deep.equal([1, 3]);
    });

    it('resolves every item when each one commits alone', async () => {
      const store = new FakeStore();
      store.failBatches = true;
      const committer = committerFor(store);
      const outcomes = await Promise.all([1, 2].map((item) => outcomeOf(committer.submit(item))));
      expect(outcomes).to.deep.equal([{ status: 'resolved' }, { status: 'resolved' }]);
    });

    it('rejects a batch of one with the batch error, without retrying it alone', async () => {
      const store = new FakeStore();
      store.failBatches = true;
      const committer = committerFor(store);
      expect(await outcomeOf(committer.submit(7))).to.deep.equal({
        status: 'rejected',
        message: 'batch failed',
      });
      expect(store.singles).to.deep.equal([]);
    });

    it('keeps working for later batches', async () => {
      const store = new FakeStore();
      store.failBatches = true;
      store.badItems.add(1);
      const committer = committerFor(store);
      await Promise.all([outcomeOf(committer.submit(1)), outcomeOf(committer.submit(2))]);
      store.failBatches = false;
      await Promise.all([committer.submit(3), committer.submit(4)]);
      expect(store.batches.at(-1)).to.deep.equal([3, 4]);
    });
  });

  describe('drain()', () => {
    it('commits pending items at once instead of waiting for maxWaitMs', async () => {
      const store = new FakeStore();
      const committer = committerFor(store, { maxWaitMs: 60_000 });
      const submits = [committer.submit(1), committer.submit(2)];
      await committer.drain();
      expect(store.batches).to.deep.equal([[1, 2]]);
      expect(store.committed).to.deep.equal([1, 2]);
      await Promise.all(submits);
    });

    it('resolves only after the batches in flight have settled', async () => {
      let release: () => void = () => {};
      const gate = new Promise<void>((resolve) => {
        release = resolve;
      });
      const events: string[] = [];
      const committer = new GroupCommitter<number>({
        traceName: 'commit numbers',
        commitBatch: async () => {
          await gate;
          events.push('committed');
        },
        commitOne: async () => {},
        maxBatch: 1,
        maxWaitMs: 5,
      });
      void committer.submit(1);
      const drained = committer.drain().then(() => events.push('drained'));
      await new Promise((resolve) => setImmediate(resolve));
      expect(events).to.deep.equal([]);
      release();
      await drained;
      expect(events).to.deep.equal(['committed', 'drained']);
    });

    it('resolves immediately when nothing is pending', async () => {
      const store = new FakeStore();
      await committerFor(store).drain();
      expect(store.batches).to.deep.equal([]);
    });

    it('resolves even when the drained batch fails', async () => {
      const store = new FakeStore();
      store.failBatches = true;
      const committer = committerFor(store, { maxWaitMs: 60_000 });
      const submit = outcomeOf(committer.submit(1));
      await committer.drain();
      expect(await submit).to.deep.equal({ status: 'rejected', message: 'batch failed' });
    });
  });
});

describe('GroupCommitter with a failing batch hook', () => {
  it('still settles every submit when onBatch throws (a broken metrics hook must not strand jobs)', async () => {
    const committer = new GroupCommitter<number>({
      traceName: 'commit numbers',
      commitBatch: async () => undefined,
      commitOne: async () => undefined,
      maxBatch: 10,
      maxWaitMs: 5,
      onBatch: () => {
        throw new Error('metrics down');
      },
    });
    // A stranded submit never settles: mocha's timeout fails the test, no race against a guess.
    const outcome = await committer.submit(1).then(
      () => 'resolved',
      () => 'rejected',
    );
    expect(outcome).to.be.oneOf(['resolved', 'rejected']);
  });
});
