import { expect } from 'chai';
import { selectServices } from '../../../api/service-selection.js';

const KNOWN = ['users', 'listings'] as const;

describe('selectServices(argv)', () => {
  it('runs every service when no --service is given', () => {
    expect(selectServices([], KNOWN)).to.deep.equal(['users', 'listings']);
  });

  it('ignores unrelated arguments', () => {
    expect(selectServices(['--port', '3000', 'extra'], KNOWN)).to.deep.equal(['users', 'listings']);
  });

  it('runs only the service named with "--service users"', () => {
    expect(selectServices(['--service', 'users'], KNOWN)).to.deep.equal(['users']);
  });

  it('runs only the service named with "--service=listings"', () => {
    expect(selectServices(['--service=listings'], KNOWN)).to.deep.equal(['listings']);
  });

  it('accepts a comma-separated list, keeping the order given', () => {
    expect(selectServices(['--service', 'listings,users'], KNOWN)).to.deep.equal([
      'listings',
      'users',
    ]);
    expect(selectServices(['--service=users,listings'], KNOWN)).to.deep.equal([
      'users',
      'listings',
    ]);
  });

  it('accepts --service repeated', () => {
    expect(selectServices(['--service', 'users', '--service=listings'], KNOWN)).to.deep.equal([
      'users',
      'listings',
    ]);
  });

  it('lists a service named twice only once', () => {
    expect(selectServices(['--service=users,users'], KNOWN)).to.deep.equal(['users']);
  });

  it('throws an error naming an unknown service and listing the known ones', () => {
    expect(() => selectServices(['--service', 'orders'], KNOWN)).to.throw(
      Error,
      'unknown service orders; known: users, listings',
    );
  });

  it('names every unknown service, even next to a known one', () => {
    expect(() => selectServices(['--service=users,orders,payments'], KNOWN)).to.throw(
      Error,
      'unknown service orders, payments; known: users, listings',
    );
  });

  it('throws when --service is given without a name', () => {
    expect(() => selectServices(['--service'], KNOWN)).to.throw(Error, '--service needs a name');
  });
});

describe('selectServices(argv), empty names', () => {
  it('refuses a trailing comma instead of naming an empty service', () => {
    expect(() => selectServices(['--service', 'users,'], KNOWN)).to.throw(
      Error,
      '--service needs a name',
    );
  });
});
