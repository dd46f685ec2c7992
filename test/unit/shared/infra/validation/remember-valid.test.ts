import { expect } from 'chai';
import { compileValidator } from '../../../../../shared/infra/validation/ajv.js';
import { rememberValid } from '../../../../../shared/infra/validation/remember-valid.js';
import { ValidationError } from '../../../../../shared/domain/errors/index.js';
import { listingPageQuerySchema } from '../../../../../shared/domain/schemas/query.schema.js';

describe('rememberValid (validated inputs kept by key)', () => {
  const pageOf = compileValidator<{ page_num: number; page_size: number }>(
    listingPageQuerySchema,
    'parameter',
  );

  it('validates a key once and answers the same frozen value after that', () => {
    let calls = 0;
    const remembered = rememberValid((input: unknown) => {
      calls += 1;
      return pageOf(input);
    });
    const first = remembered('page_num=2', () => ({ page_num: '2' }));
    const second = remembered('page_num=2', () => ({ page_num: 'never read' }));
    expect(first).to.deep.equal({ page_num: 2, page_size: 10 });
    expect(second).to.equal(first);
    expect(Object.isFrozen(first)).to.equal(true);
    expect(calls).to.equal(1);
  });

  it('keeps nothing for an invalid input: it is refused every time', () => {
    let calls = 0;
    const remembered = rememberValid((input: unknown) => {
      calls += 1;
      return pageOf(input);
    });
    for (let i = 0; i < 2; i += 1) {
      expect(() => remembered('page_num=0', () => ({ page_num: '0' })))
        .to.throw(ValidationError)
        .with.property('messages')
        .that.deep.equals(['invalid page_num']);
    }
    expect(calls).to.equal(2);
  });

  it('holds at most `max` keys, then starts over', () => {
    let calls = 0;
    const remembered = rememberValid((input: unknown) => {
      calls += 1;
      return { n: Number(input) };
    }, 2);
    remembered('1', () => 1);
    remembered('2', () => 2);
    remembered('3', () => 3); // full: forgets 1 and 2
    remembered('3', () => 3);
    expect(calls).to.equal(3);
    remembered('1', () => 1);
    expect(calls).to.equal(4);
  });
});
