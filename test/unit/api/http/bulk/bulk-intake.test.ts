import { expect } from 'chai';
import { AppError, TooManyRequestsError } from '../../../../../shared/domain/errors/index.js';
import { compileValidator } from '../../../../../shared/infra/validation/ajv.js';
import type { BulkInput } from '../../../../../api/http/bulk/bulk-items.js';
import type { BulkItemOutcome } from '../../../../../api/bulk-writes.js';
import { runBulkIntake, type BulkWriter } from '../../../../../api/http/bulk/bulk-intake.js';

interface Named {
  name: string;
}

const validate = compileValidator<Named>({
  type: 'object',
  additionalProperties: false,
  required: ['name'],
  properties: { name: { type: 'string', minLength: 1 } },
});

/** A writer that keeps what it was given: the chunks, in order. */
function recordingWriter(refuse: (item: Named) => boolean = () => false) {
  const chunks: string[][] = [];
  const writer: BulkWriter<Named, Named> = {
    resourceKey: 'thing',
    validate,
    enqueueChunk(items) {
      chunks.push(items.map((item) => item.name));
      return Promise.resolve(
        items.map((item, i): BulkItemOutcome<Named> =>
          refuse(item)
            ? { status: 409, errors: [`${item.name} is taken`] }
            : { status: 202, resource: item, jobId: `job-${chunks.length}-${i}` },
        ),
      );
    },
  };
  return { writer, chunks };
}

async function* inputs(values: readonly unknown[], end?: Error): AsyncGenerator<BulkInput> {
  for (const [index, value] of values.entries()) yield { index, value };
  if (end) throw end;
}

const meta = { requestId: 'test', waitUntil: 0 };
const names = (n: number) => Array.from({ length: n }, (_, i) => ({ name: `n${i}` }));

describe('runBulkIntake: validate each item, enqueue the valid ones chunk by chunk', () => {
  it('enqueues valid items in chunks of the given size and answers every item in input order', async () => {
    const { writer, chunks } = recordingWriter((item) => item.name === 'n3');
    const items = [...names(5), { name: '' }, { nope: 1 }];
    const run = await runBulkIntake(inputs(items), writer, { maxItems: 100, chunkSize: 2, meta });
    expect(chunks).to.deep.equal([['n0', 'n1'], ['n2', 'n3'], ['n4']]);
    expect(run.results.map((r) => [r.index, r.status])).to.deep.equal([
      [0, 202],
      [1, 202],
      [2, 202],
      [3, 409],
      [4, 202],
      [5, 400],
      [6, 400],
    ]);
    expect(run.results[5]).to.deep.include({ errors: ['name must not be empty'] });
    expect(run).to.include({ accepted: 4, rejected: 3, stop: undefined, persisted: false });
  });

  it('stops at the item limit with a 413: the items before it are enqueued, none after', async () => {
    const { writer, chunks } = recordingWriter();
    const run = await runBulkIntake(inputs(names(7)), writer, { maxItems: 5, chunkSize: 2, meta });
    expect(chunks.flat()).to.deep.equal(['n0', 'n1', 'n2', 'n3', 'n4']);
    expect(run.stop?.status).to.equal(413);
    expect(run.stop?.message).to.match(/at most 5 \(BULK_MAX_ITEMS\)/);
    expect(run.results).to.have.length(5);
  });

  it('a chunk refused by a guard is not enqueued, and nothing after it is read into the answer', async () => {
    const { writer, chunks } = recordingWriter();
    let admitted = 0;
    const admit = (items: number) => {
      admitted += items;
      return admitted > 4
        ? Promise.reject(new TooManyRequestsError('too many writes', { retryAfterSeconds: 3 }))
        : Promise.resolve();
    };
    const run = await runBulkIntake(inputs(names(9)), writer, {
      maxItems: 100,
      chunkSize: 2,
      meta,
      guards: { admit },
    });
    expect(chunks.flat()).to.deep.equal(['n0', 'n1', 'n2', 'n3']);
    expect(run.stop?.status).to.equal(429);
    expect(run.results.map((r) => r.index)).to.deep.equal([0, 1, 2, 3]);
  });

  it('a body that ended early (client gone) drops the chunk it was reading; enqueued chunks stay answered', async () => {
    const { writer, chunks } = recordingWriter();
    const gone = new AppError('request body ended early', {
      code: 'BODY_INCOMPLETE',
      status: 400,
      expose: true,
    });
    const run = await runBulkIntake(inputs([...names(5), { name: '' }], gone), writer, {
      maxItems: 100,
      chunkSize: 2,
      meta,
    });
    expect(chunks.flat()).to.deep.equal(['n0', 'n1', 'n2', 'n3']);
    expect(run.results.map((r) => r.index)).to.deep.equal([0, 1, 2, 3]);
    expect(run).to.include({ accepted: 4, rejected: 0 });
    expect(run.stop?.code).to.equal('BODY_INCOMPLETE');
  });

  it('a broken body otherwise still enqueues the complete items read before the break', async () => {
    const { writer, chunks } = recordingWriter();
    const broken = new AppError('bad', { code: 'BAD_BULK_BODY', status: 400, expose: true });
    const run = await runBulkIntake(inputs(names(3), broken), writer, {
      maxItems: 100,
      chunkSize: 2,
      meta,
    });
    expect(chunks.flat()).to.deep.equal(['n0', 'n1', 'n2']);
    expect(run.results).to.have.length(3);
    expect(run.stop?.code).to.equal('BAD_BULK_BODY');
  });

  it('an unexpected failure after some chunks is a 500 that still answers the chunks enqueued before it', async () => {
    const { writer, chunks } = recordingWriter();
    const failing: BulkWriter<Named, Named> = {
      ...writer,
      enqueueChunk: (items, m) =>
        chunks.length === 2
          ? Promise.reject(new Error('script error'))
          : writer.enqueueChunk(items, m),
    };
    const run = await runBulkIntake(inputs(names(7)), failing, {
      maxItems: 100,
      chunkSize: 2,
      meta,
    });
    expect(run.stop?.status).to.equal(500);
    expect(run.stop?.expose).to.equal(false);
    expect(run.results.map((r) => r.index)).to.deep.equal([0, 1, 2, 3]);
    expect(run.accepted).to.equal(4);
  });
});
