import { DelayedError, UnrecoverableError, type Job } from 'bullmq';
import { changeEventSchema, type ChangeEvent } from '../../shared/domain/writes/write-jobs.js';
import type { Logger } from '../../shared/infra/telemetry/logger.js';
import type { Mailer } from '../../shared/infra/mail/mailer.js';
import type { SentNotifications } from '../../shared/infra/mail/sent-notifications.js';
import { compileValidator } from '../../shared/infra/validation/ajv.js';
import { customerEmail } from './customer-email.js';

const validateEvent = compileValidator<ChangeEvent>(changeEventSchema);

/**
 * Change events → e-mail over SMTP. A malformed event can never be sent, so it
 * fails at once; a delivery error is thrown as is, so BullMQ retries it.
 * Each event is e-mailed once: its sent-record is claimed before the send
 * (a job id dedupes a re-published event only while its job is kept).
 */
export function createNotifyProcessor(deps: {
  mailer: Mailer;
  sent: SentNotifications;
  logger: Logger;
}) {
  return async function notify(job: Job<ChangeEvent>, token?: string) {
    let event: ChangeEvent;
    try {
      event = validateEvent(job.data, 'job');
    } catch (error) {
      throw new UnrecoverableError(`malformed change event ${job.id}: ${(error as Error).message}`);
    }
    if (event.entity !== 'customers') return { skipped: true };
    const log = { requestId: event.requestId, jobId: job.id, key: event.key };
    const outcome = await deps.sent.claim(event.id);
    if (outcome.state === 'sent') {
      deps.logger.info(log, 'notification already sent; not sent again');
      return { skipped: true, alreadySent: true };
    }
    if (outcome.state === 'busy') {
      // Another worker is mid-send. Come back when its claim would lapse, without
      // spending an attempt: if it died, this job is the one that sends.
      await job.moveToDelayed(Date.now() + outcome.retryInMs, token);
      throw new DelayedError();
    }
    let sent: Awaited<ReturnType<Mailer['send']>>;
    try {
      sent = await deps.mailer.send(customerEmail(event));
    } catch (error) {
      await outcome.claim.release().catch(() => undefined);
      throw error;
    }
    // A crash right here leaves the claim to lapse and the retry to send again: at least once.
    await outcome.claim.sent();
    deps.logger.info({ ...log, messageId: sent.messageId }, 'notification sent');
    return sent;
  };
}
