import { RATE_LIMIT_ERROR, UnrecoverableError } from 'bullmq';
import { QUEUE_NAMES, type QueueName } from './queue-names.js';

/**
 * A write whose job failed for good (§9 "nothing acknowledged is ever
 * dropped"): what the dead-letter store keeps of it. `payload` is the job's
 * data as it was queued; a re-drive queues it again as is, under `jobId`.
 */
export interface DeadLetter {
  readonly queue: QueueName;
  readonly jobId: string;
  readonly jobName: string;
  /** The resource the write is of: users, listings, customers, people, orders. */
  readonly resource: string;
  /** The key the write is to (an id, uuid or ObjectId as text); null when the payload has none. */
  readonly key: string | null;
  /** The key's version the write makes; null when the payload has none. */
  readonly version: number | null;
  readonly payload: unknown;
  readonly error: string;
  /** Attempts the job made, the last one included. */
  readonly attempts: number;
  /** Milliseconds since the epoch. */
  readonly failedAt: number;
}

/** Where dead letters are kept (MySQL: DeadLetterRepository); what the workers need of it. */
export interface DeadLetterStore {
  /** Keeps each letter; one already kept for the same queue and job id is opened again. */
  record(letters: readonly DeadLetter[]): Promise<void>;
  /** A later run of these jobs completed: their letters no longer wait for an operator. */
  markStored(queue: QueueName, jobIds: readonly string[], at: number): Promise<void>;
}

/** Every resource a dead letter can be of (the metric reports each from 0). */
export const DEAD_LETTER_RESOURCES = [
  'users',
  'listings',
  'customers',
  'people',
  'orders',
] as const;

/** A job as a dead letter needs it (a BullMQ Job is one). */
export interface FailedJob {
  readonly id?: string;
  readonly name: string;
  readonly data: unknown;
  readonly attemptsMade: number;
  readonly opts: { readonly attempts?: number };
}

/** The name a re-driven job is queued under: Bull Board shows it, the worker recognises it. */
const REDRIVE_PREFIX = 'redrive:';

export function redrivenJobName(name: string): string {
  return name.startsWith(REDRIVE_PREFIX) ? name : `${REDRIVE_PREFIX}${name}`;
}

/**
 * Whether a job that just completed may have a dead letter: it was queued by
 * a re-drive, or it had failed for good before and was retried from Bull
 * Board (BullMQ counts that retry's attempt past the job's `attempts`).
 */
export function mayHaveDeadLetter(job: FailedJob): boolean {
  return job.name.startsWith(REDRIVE_PREFIX) || job.attemptsMade > (job.opts.attempts ?? 1);
}

/** Errors by which a processor hands its job back to wait (not failures). */
const NOT_FAILURES: ReadonlySet<string> = new Set([
  'DelayedError',
  'WaitingError',
  'WaitingChildrenError',
  'RateLimitError',
]);

/**
 * Whether BullMQ will move the job to the failed set when its processor
 * throws `error` (the rule of BullMQ's Job.shouldRetryJob): the error is an
 * UnrecoverableError, or this was its last attempt.
 */
export function failsForGood(job: FailedJob, error: unknown): boolean {
  if (error instanceof Error) {
    if (NOT_FAILURES.has(error.name) || error.message === RATE_LIMIT_ERROR) return false;
    if (error instanceof UnrecoverableError || error.name === 'UnrecoverableError') return true;
  }
  return job.attemptsMade + 1 >= (job.opts.attempts ?? 1);
}

const MAX_ERROR_CHARS = 4000;
const MAX_KEY_CHARS = 100;

function messageOf(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.length > MAX_ERROR_CHARS ? `${text.slice(0, MAX_ERROR_CHARS)}…` : text;
}

function objectOf(value: unknown): Record<string, unknown> {
  return value !== null && typeof value === 'object' ? (value as Record<string, unknown>) : {};
}

/** A key as text, if the payload holds a usable one (a malformed payload may not). */
function keyText(value: unknown): string | null {
  if (typeof value === 'string' && value.length > 0 && value.length <= MAX_KEY_CHARS) return value;
  if (Number.isSafeInteger(value)) return String(value);
  return null;
}

function versionOf(value: unknown): number | null {
  return Number.isSafeInteger(value) && (value as number) > 0 ? (value as number) : null;
}

/** What a dead letter is filed under: the resource, key and version its job writes. */
export interface DeadLetterAddress {
  readonly resource: string;
  readonly key: unknown;
  readonly version: unknown;
}

/**
 * How to read the address of each queue's jobs (a payload of the replicate
 * queue is one change event). The domain builds it from the process's own
 * resources (shared/domain/resources/dead-letter-addresses.ts).
 */
export type DeadLetterAddresses = ReadonlyMap<
  QueueName,
  (data: Record<string, unknown>) => DeadLetterAddress
>;

/** A queue the process was not given an address for: its letters are kept all the same. */
const UNADDRESSED: DeadLetterAddress = { resource: 'unknown', key: null, version: null };

/**
 * The dead letters of a job that failed for good: one per job, except a
 * replicate batch (one group commit's change events), which is one per event
 * under the event's own id. Each event is a replicate payload in its own
 * right, so a re-drive queues exactly the writes an operator picked, and a
 * search by key finds them.
 */
export function deadLettersOf(
  queue: QueueName,
  job: FailedJob,
  error: unknown,
  attempts: number,
  failedAt: number,
  addresses: DeadLetterAddresses,
): DeadLetter[] {
  const addressOf = addresses.get(queue);
  const letter = (jobId: string, payload: unknown): DeadLetter => {
    const address = addressOf ? addressOf(objectOf(payload)) : UNADDRESSED;
    return {
      queue,
      jobId,
      jobName: job.name,
      resource: address.resource,
      key: keyText(address.key),
      version: versionOf(address.version),
      payload,
      error: messageOf(error),
      attempts,
      failedAt,
    };
  };
  const jobId = job.id ?? '';
  const events = objectOf(job.data).events;
  if (queue === QUEUE_NAMES.replicate && Array.isArray(events) && events.length > 0) {
    return events.map((item: unknown, index) => {
      const id = objectOf(item).id;
      return letter(typeof id === 'string' && id.length > 0 ? id : `${jobId}#${index}`, item);
    });
  }
  return [letter(jobId, job.data)];
}

/** The job ids a job's dead letters are kept under (see deadLettersOf). */
export function deadLetterJobIds(
  queue: QueueName,
  job: FailedJob,
  addresses: DeadLetterAddresses,
): string[] {
  return deadLettersOf(queue, job, '', 0, 0, addresses).map((letter) => letter.jobId);
}
