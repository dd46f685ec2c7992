import { expect } from 'chai';
import { jobIds } from '../../../../../shared/domain/writes/write-jobs.js';

describe('change batch job ids', () => {
  const a = jobIds.changeEvent('listings', '1', 1);
  const b = jobIds.changeEvent('listings', '2', 1);
  const c = jobIds.changeEvent('listings', '3', 1);

  it('are the same for a retried group with the same events, so it is one replicate job', () => {
    expect(jobIds.changeBatch('listings', [a, b, c])).to.equal(
      jobIds.changeBatch('listings', [a, b, c]),
    );
  });

  it('differ when the group differs, even with the same first event and size', () => {
    expect(jobIds.changeBatch('listings', [a, b])).to.not.equal(
      jobIds.changeBatch('listings', [a, c]),
    );
    expect(jobIds.changeBatch('listings', [a, b])).to.not.equal(
      jobIds.changeBatch('users', [a, b]),
    );
  });

  it('never contain a colon, which BullMQ reserves in custom job ids', () => {
    expect(jobIds.changeBatch('listings', [a, b, c])).to.match(/^listings-events-[\w-]+$/);
  });
});
