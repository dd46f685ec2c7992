import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** SMTP_* and MAIL_*: the server and addresses of the customer change e-mails. */
export function readMail(read: EnvReader): Config['mail'] {
  return {
    host: read.string('SMTP_HOST', '127.0.0.1'),
    port: read.port('SMTP_PORT', 1025),
    secure: read.bool('SMTP_SECURE', false),
    user: read.optionalString('SMTP_USER'),
    pass: read.optionalString('SMTP_PASS'),
    from: read.address('MAIL_FROM', 'spillway@localhost'),
    to: read.addressList('MAIL_TO'),
    cc: read.addressList('MAIL_CC'),
    bcc: read.addressList('MAIL_BCC'),
    timeoutMs: read.int('SMTP_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
}

/** NOTIFY_*: retries and concurrency of the notification e-mails. */
export function readNotify(read: EnvReader): Config['notify'] {
  return {
    attempts: read.int('NOTIFY_ATTEMPTS', 3, { min: 1, max: 100 }),
    backoffMs: read.int('NOTIFY_BACKOFF_MS', 1000, { min: 1, max: 3_600_000 }),
    concurrency: read.int('NOTIFY_CONCURRENCY', 10, { min: 1, max: 1000 }),
  };
}

/** Records a problem when an SMTP login is half given. */
export function checkMailLogin(read: EnvReader, mail: Config['mail']): void {
  if (mail.user !== undefined && mail.pass === undefined) {
    read.problem('SMTP_PASS: required when SMTP_USER is set');
  }
}
