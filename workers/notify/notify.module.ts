import { UnrecoverableError, type Job } from 'bullmq';
import { changeEventSchema, type ChangeEvent } from '../../shared/jobs/job-payloads.js';
import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { createMailer } from '../../shared/mail/mailer.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import type { WorkerModule } from '../worker-module.js';
import { customerEmail } from './customer-email.js';

const validateEvent = compileValidator<ChangeEvent>(changeEventSchema);

/**
 * Change events → e-mail over SMTP. A delivery error is thrown, so BullMQ
 * retries it with exponential backoff (NOTIFY_ATTEMPTS, NOTIFY_BACKOFF_MS);
 * after the last attempt the job stays in the failed set for an operator.
 */
export const notifyModule: WorkerModule = {
  name: 'notify',
  build({ config, logger }) {
    const mailer = createMailer(config.mail);
    const processor = async (job: Job<ChangeEvent>) => {
      let event: ChangeEvent;
      try {
        event = validateEvent(job.data, 'job');
      } catch (error) {
        throw new UnrecoverableError(
          `malformed change event ${job.id}: ${(error as Error).message}`,
        );
      }
      if (event.entity !== 'customers') return { skipped: true };
      const sent = await mailer.send(customerEmail(event));
      logger.info(
        { requestId: event.requestId, jobId: job.id, key: event.key, messageId: sent.messageId },
        'notification sent',
      );
      return sent;
    };
    return [
      {
        queue: QUEUE_NAMES.notify,
        processor,
        concurrency: config.notify.concurrency,
        drain: async () => mailer.close(),
      },
    ];
  },
};
