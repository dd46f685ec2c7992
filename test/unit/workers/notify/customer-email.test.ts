import { expect } from 'chai';
import type { ChangeEvent } from '../../../../shared/domain/writes/write-jobs.js';
import { customerEmail } from '../../../../workers/notify/customer-email.js';

const before = {
  uuid: '6f1c1c8e-1f0b-4b8e-9a44-2f6a3f0c9b11',
  username: 'ann',
  address: '1 Old Rd',
  income: '10.00',
  name: null,
  email: null,
  phone: null,
  created_at: 1_700_000_000_000_000,
  updated_at: 1_700_000_000_000_000,
  deleted: false,
  version: 1,
};

function event(type: ChangeEvent['type'], b: object | null, a: object | null): ChangeEvent {
  return {
    id: 'e',
    type,
    entity: 'customers',
    key: before.uuid,
    before: b as Record<string, unknown> | null,
    after: a as Record<string, unknown> | null,
    version: 2,
    at: 1_700_000_000_000_000,
    requestId: 'r',
  };
}

describe('customerEmail(event)', () => {
  it('names the change and the customer in the subject', () => {
    expect(customerEmail(event('insert', null, before)).subject).to.equal('Customer created: ann');
    expect(customerEmail(event('delete', before, { ...before, deleted: true })).subject).to.equal(
      'Customer deleted: ann',
    );
  });

  it('lists only the changed fields, before → after, in the text of an update', () => {
    const mail = customerEmail(event('update', before, { ...before, address: '2 New Rd' }));
    expect(mail.subject).to.equal('Customer updated: ann');
    expect(mail.text).to.include('  address: 1 Old Rd → 2 New Rd');
    expect(mail.text).to.not.include('income:');
    expect(mail.text).to.include('2023-11-14T22:13:20.000Z');
  });

  it('escapes customer data in the HTML body', () => {
    const mail = customerEmail(
      event('insert', null, { ...before, username: '<script>x</script>' }),
    );
    expect(mail.html).to.include('&lt;script&gt;x&lt;/script&gt;');
    expect(mail.html).to.not.include('<script>');
  });
});
