import type { Connections } from '../../../shared/infra/process/connections.js';
import type { StoredHistory } from './checker.js';
import type { HistoryOp, StoredKey } from './history.types.js';
import type { QueueWatch } from './queue-watch.js';
import type { ResourceEntry } from './resource-entry.js';

/** How long the queues must be empty and the stores unchanged before an unconverged state is final. */
const QUIET_MS = 3000;

/** How often the drain looks at the queues and stores again. */
const POLL_MS = 250;
export interface Settled {
  readonly stored: StoredHistory;
  /** Every acknowledged write reached its stores and every replica its primary. */
  readonly converged: boolean;
  readonly ms: number;
}

/** What every resource's stores hold now. */
export async function readStored(
  resources: readonly ResourceEntry[],
  connections: Connections,
): Promise<StoredHistory> {
  const entries = await Promise.all(
    resources.map(async (r) => [r.model.name, await r.readStored(connections)] as const),
  );
  return new Map(entries);
}

/** Whether the stores show every acknowledged write (by version), and replicas caught up. */
function converged(
  resources: readonly ResourceEntry[],
  ops: readonly HistoryOp[],
  stored: StoredHistory,
): boolean {
  const keyOf = (op: HistoryOp): StoredKey | undefined =>
    op.key === undefined ? undefined : stored.get(op.resource)?.get(op.key);
  const applied = ops
    .filter((op) => op.outcome === 'ok')
    .every((op) => (keyOf(op)?.primary?.version ?? 0) >= (op.version ?? 1));
  const replicated = resources
    .filter((r) => r.model.replica)
    .every((r) =>
      [...(stored.get(r.model.name)?.values() ?? [])].every(
        (key) => !key.primary || key.replica?.version === key.primary.version,
      ),
    );
  return applied && replicated;
}

/**
 * Waits for the pipeline to finish what it took: every queue empty (retries
 * backing off included) and the stores showing every acknowledged write, or,
 * when they never will (the history is wrong, and the checker will say how),
 * the queues empty and the stores unchanged for a few seconds. Never longer
 * than `deadlineMs`.
 */
export async function settle(
  resources: readonly ResourceEntry[],
  connections: Connections,
  queues: QueueWatch,
  ops: readonly HistoryOp[],
  deadlineMs: number,
): Promise<Settled> {
  const started = Date.now();
  let previous = '';
  let stableSince = started;
  for (;;) {
    const unfinished = await queues.unfinished().catch(() => -1);
    const stored = await readStored(resources, connections).catch(() => undefined);
    const elapsed = Date.now() - started;
    if (stored && unfinished === 0) {
      if (converged(resources, ops, stored)) return { stored, converged: true, ms: elapsed };
      const snapshot = fingerprint(stored);
      if (snapshot !== previous) {
        previous = snapshot;
        stableSince = Date.now();
      } else if (Date.now() - stableSince >= QUIET_MS) {
        return { stored, converged: false, ms: elapsed };
      }
    } else previous = '';
    if (elapsed > deadlineMs) {
      if (!stored) throw new Error(`the stores could not be read for ${elapsed} ms`);
      return { stored, converged: false, ms: elapsed };
    }
    // Polls observed state (queues and stores), never sleeps for "long enough".
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

function fingerprint(stored: StoredHistory): string {
  return JSON.stringify([...stored].map(([name, keys]) => [name, [...keys]]));
}
