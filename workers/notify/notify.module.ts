import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { createMailer } from '../../shared/mail/mailer.js';
import type { WorkerModule } from '../worker-module.js';
import { createNotifyProcessor } from './notify.processor.js';

/**
 * Change events → e-mail. Retried with exponential backoff (NOTIFY_ATTEMPTS,
 * NOTIFY_BACKOFF_MS); after the last attempt the job stays in the failed set
 * for an operator.
 */
export const notifyModule: WorkerModule = {
  // E-mail only: the SMTP peer is not a store, and a send that fails is retried.
  name: 'notify',
  dependencies: [],
  build({ config, logger }) {
    const mailer = createMailer(config.mail);
    return [
      {
        queue: QUEUE_NAMES.notify,
        processor: createNotifyProcessor({ mailer, logger }),
        concurrency: config.notify.concurrency,
        drain: async () => mailer.close(),
      },
    ];
  },
};
