import { UnrecoverableError, type Job } from 'bullmq';
import { changeEventSchema, type ChangeEvent } from '../../shared/jobs/job-payloads.js';
import type { Logger } from '../../shared/logger.js';
import type { Mailer } from '../../shared/mail/mailer.js';
import { compileValidator } from '../../shared/validation/ajv.js';
import { customerEmail } from './customer-email.js';

const validateEvent = compileValidator<ChangeEvent>(changeEventSchema);

/**
 * Change events → e-mail over SMTP. A malformed event can never be sent, so it
 * fails at once; a delivery error is thrown as is, so BullMQ retries it.
 */
export function createNotifyProcessor(deps: { mailer: Mailer; logger: Logger }) {
  return async function notify(job: Job<ChangeEvent>) {
    let event: ChangeEvent;
    try {
      event = validateEvent(job.data, 'job');
    } catch (error) {
      throw new UnrecoverableError(`malformed change event ${job.id}: ${(error as Error).message}`);
    }
    if (event.entity !== 'customers') return { skipped: true };
    const sent = await deps.mailer.send(customerEmail(event));
    deps.logger.info(
      { requestId: event.requestId, jobId: job.id, key: event.key, messageId: sent.messageId },
      'notification sent',
    );
    return sent;
  };
}
