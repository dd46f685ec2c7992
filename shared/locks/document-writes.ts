import type { RedisLock } from './redis-lock.js';

/** What an exclusive write answers when another process is writing that document now. */
export const BUSY = 'busy' as const;

/** Runs one document's write while no other process writes that document, or answers BUSY at once. */
export type ExclusiveWrite = <T>(
  document: string,
  write: () => Promise<T>,
) => Promise<T | typeof BUSY>;

/** How long a writer that died keeps a document locked. */
const DOCUMENT_LOCK_MS = 10_000;

/**
 * One writer per Mongo document across worker processes. FerretDB (the
 * MongoDB-protocol store of this project's machines) matches a document and
 * then writes it in two steps, so two processes updating one document at once
 * can put an older version back; MongoDB itself does not need this. A writer
 * that finds the document busy waits (its job is delayed, no attempt spent).
 * A holder frozen past the TTL cannot do harm when it wakes: every update it
 * sends then matches only the version it was built on.
 */
export function exclusiveDocumentWrites(lock: RedisLock): ExclusiveWrite {
  return async (document, write) => {
    const held = await lock.tryAcquire(`mongo-doc:${document}`, DOCUMENT_LOCK_MS);
    if (!held) return BUSY;
    try {
      return await write();
    } finally {
      await held.release().catch(() => undefined);
    }
  };
}

/** No lock: for one process, or a store whose updates are atomic per document. */
export const unlockedDocumentWrites: ExclusiveWrite = (_document, write) => write();
