import { expect } from 'chai';
import {
  canonicalJson,
  requestFingerprint,
} from '../../../../../shared/infra/idempotency/idempotency-store.js';

const base = { method: 'POST', path: '/users', querystring: '', body: { name: 'a', age: 1 } };

describe('requestFingerprint', () => {
  it('is the same for the same fields in another order, nested too', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: 1 }], a: null })).to.equal(
      '{"a":null,"b":[1,{"x":1,"y":2}]}',
    );
    expect(requestFingerprint(base)).to.equal(
      requestFingerprint({ ...base, body: { age: 1, name: 'a' } }),
    );
  });

  it('differs when the method, path, query or any body value differs', () => {
    const others = [
      { ...base, method: 'PUT' },
      { ...base, path: '/users/1' },
      { ...base, querystring: 'x=1' },
      { ...base, body: { name: 'a', age: 2 } },
      { ...base, body: { name: 'a', age: '1' } },
      { ...base, body: { name: 'a' } },
    ];
    for (const other of others) {
      expect(requestFingerprint(other), JSON.stringify(other)).not.to.equal(
        requestFingerprint(base),
      );
    }
  });
});
