import { randomUUID } from 'node:crypto';
import type { RedisClient } from '../redis/redis-client.js';
import { notificationSentKey } from '../redis/redis-keys.js';

const SENT = 'sent';

/**
 * Takes the event's record for us unless it is there: returns 'claimed', or
 * 'sent', or the milliseconds left on someone else's claim.
 */
const CLAIM = `
local current = redis.call('GET', KEYS[1])
if current == false then
  redis.call('SET', KEYS[1], ARGV[1], 'PX', ARGV[2])
  return 'claimed'
end
if current == '${SENT}' then return '${SENT}' end
return redis.call('PTTL', KEYS[1])
`;

/** Frees a claim only if it still holds our token (a failed send: the retry may claim again). */
const RELEASE = `
if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
return 0
`;

/** Our claim on one event's e-mail. */
export interface NotificationClaim {
  /** Records the e-mail as sent, for the record's whole TTL. */
  sent(): Promise<void>;
  /** Gives the claim up after a failed send, so a retry may send at once. */
  release(): Promise<void>;
}

export type ClaimOutcome =
  | { readonly state: 'claimed'; readonly claim: NotificationClaim }
  | { readonly state: 'sent' }
  /** Another worker is sending it; its claim lapses in `retryInMs` if that worker died. */
  | { readonly state: 'busy'; readonly retryInMs: number };

export interface SentNotificationsOptions {
  readonly prefix: string;
  /** How long a claim stands without `sent()`: longer than any send, so a live sender keeps it. */
  readonly claimMs: number;
  /** How long "sent" is remembered: longer than any event can wait to be re-published. */
  readonly sentTtlSeconds: number;
}

/**
 * One record per change event in the queue Redis (durable, `noeviction`):
 * a claim while its e-mail is being sent, then "sent". Checked before each
 * send, so an event published twice — by two relays, or again after its job
 * was removed (removeOnComplete) — is e-mailed once. A sender that dies
 * between the SMTP server's acceptance and `sent()` leaves a claim that
 * lapses after `claimMs`: the retry then sends again (at least once, never
 * silently lost).
 */
export class SentNotifications {
  constructor(
    private readonly redis: RedisClient,
    private readonly options: SentNotificationsOptions,
  ) {}

  async claim(eventId: string): Promise<ClaimOutcome> {
    const key = notificationSentKey(this.options.prefix, eventId);
    const token = randomUUID();
    const answer = (await this.redis.eval(CLAIM, 1, key, token, String(this.options.claimMs))) as
      string | number;
    if (answer === SENT) return { state: 'sent' };
    if (answer !== 'claimed') return { state: 'busy', retryInMs: Math.max(1, Number(answer)) };
    return {
      state: 'claimed',
      claim: {
        sent: async () => {
          await this.redis.set(key, SENT, 'EX', this.options.sentTtlSeconds);
        },
        release: async () => {
          await this.redis.eval(RELEASE, 1, key, token);
        },
      },
    };
  }
}
