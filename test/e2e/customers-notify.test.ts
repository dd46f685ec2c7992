import { expect } from 'chai';
import { closeQueues } from '../../shared/infra/queues/queues.js';
import {
  createQueues,
  type SpillwayQueues,
} from '../../shared/domain/resources/resource-queues.js';
import { jobIds } from '../../shared/domain/writes/write-jobs.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startSmtp, type LoopbackSmtp } from '../support/smtp.js';

const MAIL = {
  MAIL_FROM: 'spillway@example.test',
  MAIL_TO: 'ops@example.test, sales@example.test',
  MAIL_CC: 'audit@example.test',
  MAIL_BCC: 'archive@example.test',
  NOTIFY_BACKOFF_MS: '20',
};

/** Un-folds a raw message's headers so each header is one line. */
function header(raw: string, name: string): string | undefined {
  const head = raw.split(/\r?\n\r?\n/)[0]!.replace(/\r?\n[ \t]+/g, ' ');
  const line = head
    .split(/\r?\n/)
    .find((l) => l.toLowerCase().startsWith(`${name.toLowerCase()}:`));
  return line?.slice(name.length + 1).trim();
}

describe('customer change e-mails (spec §2.4) through a real SMTP server on loopback', () => {
  let smtp: LoopbackSmtp;
  let pipeline: Pipeline;
  let queues: SpillwayQueues;

  afterEach(async () => {
    await closeQueues(queues);
    await pipeline.stop();
    await smtp.close();
  });

  async function start(options: { refuse?: boolean }) {
    smtp = await startSmtp(options);
    pipeline = await startPipeline({ config: { ...MAIL, SMTP_PORT: String(smtp.port) } });
    queues = createQueues(pipeline.config, pipeline.connections.queueRedis);
  }

  it('sends one e-mail per change with subject, text and HTML bodies to the configured to/cc/bcc', async () => {
    await start({});
    const username = `mailme-${Date.now()}`;
    const answer = await http('PUT', `${pipeline.urls.customers}/customer`, {
      json: { username, address: '<b>1 Main St</b>', income: '12345.67' },
    });
    // The legacy PUT waits (bounded) for its write to land: 201 once it has.
    expect(answer.status).to.be.oneOf([201, 202]);
    const mail = await eventually(async () => smtp.received[0], { what: 'the e-mail' });
    expect(mail.from).to.equal('spillway@example.test');
    expect(mail.recipients.sort()).to.deep.equal([
      'archive@example.test',
      'audit@example.test',
      'ops@example.test',
      'sales@example.test',
    ]);
    expect(header(mail.raw, 'Subject')).to.equal(`Customer created: ${username}`);
    expect(header(mail.raw, 'To')).to.equal('ops@example.test, sales@example.test');
    expect(header(mail.raw, 'Cc')).to.equal('audit@example.test');
    expect(header(mail.raw, 'Bcc'), 'bcc is never shown to the other recipients').to.equal(
      undefined,
    );
    expect(header(mail.raw, 'Content-Type')).to.match(/^multipart\/alternative/);
    expect(mail.raw).to.match(/Content-Type: text\/plain/);
    expect(mail.raw).to.match(/Content-Type: text\/html/);
    expect(mail.raw).to.include('income: 12345.67');
    expect(mail.raw, 'HTML bodies escape customer data').to.include('&lt;b&gt;1 Main St&lt;/b&gt;');
    expect(smtp.received).to.have.length(1);
  });

  it('after an SMTP outage the job stays in the failed set after exactly 3 attempts', async () => {
    await start({ refuse: true });
    const answer = await http('PUT', `${pipeline.urls.customers}/customer`, {
      json: { username: `outage-${Date.now()}`, address: 'a', income: 1 },
      headers: { Prefer: 'wait=10' },
    });
    expect(answer.status, 'the write itself is unaffected').to.equal(201);
    // The legacy PUT answers the seed's flat shape: `uuid` at the top level (§2.4).
    const eventId = jobIds.changeEvent('customers', answer.body.uuid, 1);
    // The notify queue's shard of an event is chosen by its document.
    const eventKey = `customers:${answer.body.uuid}`;
    const job = await eventually(
      async () => {
        // State first, then the job: a job read before its last attempt ends
        // would carry that attempt's count, not the final one.
        const failed = (await queues.notify.getJobState(eventId, eventKey)) === 'failed';
        return failed ? await queues.notify.getJob(eventId, eventKey) : undefined;
      },
      { what: 'the notification to fail for good' },
    );
    expect(job.attemptsMade).to.equal(3);
    expect(job.failedReason).to.match(/421|not available/i);
    expect(smtp.connections()).to.equal(3);
    // It stays there: no fourth attempt comes later. Failed is final in BullMQ; the queue
    // holding nothing waiting, delayed or active shows no attempt is still due.
    await eventually(
      async () => {
        const counts = await queues.notify.getJobCounts(
          'waiting',
          'delayed',
          'active',
          'prioritized',
        );
        return Object.values(counts).every((count) => count === 0) ? true : undefined;
      },
      { what: 'no notify attempt still due' },
    );
    const later = await queues.notify.getJob(eventId, eventKey);
    expect(await later!.getState()).to.equal('failed');
    expect(later!.attemptsMade).to.equal(3);
    expect(smtp.connections()).to.equal(3);
    expect(await queues.notify.getFailedCount()).to.equal(1);
  });
});
