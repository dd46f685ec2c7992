import type { Config } from '../../../config/index.js';

/**
 * Whether customer changes are e-mailed at all: with no recipient the worker
 * queues no e-mail, and the API has no notify backlog to watch.
 */
export function mailsChanges(mail: Config['mail']): boolean {
  return mail.to.length + mail.cc.length + mail.bcc.length > 0;
}
