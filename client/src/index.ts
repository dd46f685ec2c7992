/**
 * @spillway/client: Spillway's writes for high-throughput callers. Concurrent
 * calls are batched into `POST /<resource>/bulk` NDJSON requests, each under
 * its own Idempotency-Key and retried with it (so a retried batch is stored
 * once), with a bounded buffer that makes callers wait instead of growing.
 */
export {
  createClient,
  type ClientInternals,
  type Changes,
  type Creates,
  type SpillwayClient,
  type UpdateOptions,
} from './client.js';
export type { ClientOptions } from './options.js';
export { DEFAULT_BATCH, type BatchOptions } from './batcher.js';
export { DEFAULT_RETRY, type RetryOptions } from './retry-policy.js';
export {
  DEFAULT_SERVICES,
  publicApi,
  type ListingResult,
  type ResourceName,
  type ResourceTypes,
} from './resources.js';
export type { WriteResult } from './write-result.js';
export type {
  ClientEvents,
  ClientStats,
  FailedEvent,
  RequestEvent,
  RetriedEvent,
  SentEvent,
  WriteKind,
} from './events.js';
export {
  ClientClosedError,
  DeliveryFailedError,
  ItemRejectedError,
  SpillwayError,
  type DeliveryFailedDetails,
  type DeliveryFailure,
} from './errors/index.js';
export type { HttpAnswer, HttpRequest, Transport } from './transport.js';
export type * from './generated/schema-types.js';
