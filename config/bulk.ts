import type { EnvReader } from './env-parsers.js';

/** Bulk intake (§7): how much one request may carry, and how it is cut into chunks. */
export interface BulkConfig {
  /** Items one bulk request may hold; one more is a 413 and nothing past it is enqueued. */
  readonly maxItems: number;
  /** Bytes one bulk body may hold, read as a stream (never held whole). */
  readonly maxBytes: number;
  /** Bytes one item (an array element or an NDJSON line) may take. */
  readonly maxItemBytes: number;
  /** Valid items validated, given ids and enqueued together (one counter step, one addBulk). */
  readonly chunkSize: number;
}

/** BULK_* variables, validated. */
export function readBulk(read: EnvReader): BulkConfig {
  return {
    maxItems: read.int('BULK_MAX_ITEMS', 10_000, { min: 1, max: 10_000_000 }),
    maxBytes: read.int('BULK_MAX_BYTES', 64 * 1024 * 1024, {
      min: 1024,
      max: 4 * 1024 * 1024 * 1024,
    }),
    maxItemBytes: read.int('BULK_MAX_ITEM_BYTES', 64 * 1024, { min: 256, max: 16 * 1024 * 1024 }),
    chunkSize: read.int('BULK_CHUNK_SIZE', 500, { min: 1, max: 10_000 }),
  };
}
