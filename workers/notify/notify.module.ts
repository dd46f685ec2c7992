import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { createMailer } from '../../shared/infra/mail/mailer.js';
import { SentNotifications } from '../../shared/infra/mail/sent-notifications.js';
import type { WorkerModule } from '../worker-module.js';
import { createNotifyProcessor } from './notify.processor.js';

/**
 * How long an event's e-mail is remembered as sent. An event is re-published
 * only while its outbox row is unmarked (MySQL failing after the send, a relay
 * that lost its lease); a month outlasts any such outage by far.
 */
const SENT_TTL_SECONDS = 30 * 24 * 3600;

/**
 * Change events → e-mail. Retried with exponential backoff (NOTIFY_ATTEMPTS,
 * NOTIFY_BACKOFF_MS); after the last attempt the job stays in the failed set
 * for an operator.
 */
export const notifyModule: WorkerModule = {
  name: 'notify',
  // The SMTP peer is not a store (a failed send is retried); the sent-records
  // live in the queue Redis, which every worker checks anyway.
  dependencies: [],
  build({ config, connections, logger }) {
    const mailer = createMailer(config.mail);
    const sent = new SentNotifications(connections.queueRedis, {
      prefix: config.queue.prefix,
      // Connection, greeting and the exchange each get SMTP_TIMEOUT_MS: a live
      // sender is done (or has failed) well within four of them.
      claimMs: 4 * config.mail.timeoutMs,
      sentTtlSeconds: SENT_TTL_SECONDS,
    });
    return [
      {
        queue: QUEUE_NAMES.notify,
        processor: createNotifyProcessor({ mailer, sent, logger }),
        concurrency: config.notify.concurrency,
        drain: async () => mailer.close(),
      },
    ];
  },
};
