import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { forEachKeyBatch } from './own-keys.js';
import { eventually } from './eventually.js';
import {
  clusterMasters,
  clusterOf,
  masterOfKey,
  onNode,
  parseNodes,
} from './redis-cluster-topology.js';

export {
  CACHE_CLUSTER_NODES,
  CACHE_CLUSTER_PORTS,
  QUEUE_CLUSTER_NODES,
  QUEUE_CLUSTER_PORTS,
  clusterMasters,
  clusterNodes,
  masterOfKey,
  type ClusterMaster,
  type ClusterNode,
  type SlotRange,
} from './redis-cluster-topology.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** Old and new port of the master that owns a key, after a failover. */
export interface MasterChange {
  readonly oldPort: number;
  readonly newPort: number;
}

async function scanKeys(port: number, match: string, each: (keys: string[]) => Promise<void>) {
  await onNode(port, (node) => forEachKeyBatch(node, match, each));
}

/** How many keys matching the glob each master holds, by master port. */
export async function keysPerMaster(seedPort: number, match: string): Promise<Map<number, number>> {
  const counts = new Map<number, number>();
  for (const master of await clusterMasters(seedPort)) {
    let count = 0;
    await scanKeys(master.port, match, async (keys) => {
      count += keys.length;
    });
    counts.set(master.port, count);
  }
  return counts;
}

/**
 * Deletes the keys matching the glob on every master: how a test empties its
 * own prefix on the shared cluster. One UNLINK per key (pipelined), since keys
 * of different slots may not share a command even on one node.
 */
export async function deleteKeysMatching(seedPort: number, match: string): Promise<number> {
  let deleted = 0;
  for (const master of await clusterMasters(seedPort)) {
    await onNode(master.port, async (node) => {
      await scanKeys(master.port, match, async (keys) => {
        const pipeline = node.pipeline();
        for (const key of keys) pipeline.unlink(key);
        for (const [error, count] of (await pipeline.exec()) ?? []) {
          if (error) throw error;
          deleted += Number(count);
        }
      });
    });
  }
  return deleted;
}

async function info(port: number, section: string): Promise<string> {
  return onNode(port, (node) => node.info(section));
}

/**
 * Why the cluster of `seedPort` is not healthy, as every node that is up sees
 * it, or undefined when it is. Ports in `down` must be seen by all as failing
 * and owning no slot (their replicas took over).
 * Each node's own view counts: gossip reaches nodes one after another.
 */
async function clusterProblem(
  seedPort: number,
  options: { down?: readonly number[]; replicated?: boolean } = {},
): Promise<string | undefined> {
  const cluster = clusterOf(seedPort);
  const down = options.down ?? [];
  const replicated = options.replicated !== false && cluster.replicasPerMaster > 0;
  for (const port of cluster.ports.filter((p) => !down.includes(p))) {
    const text = await onNode(port, (node) => node.cluster('INFO') as Promise<string>);
    if (!/cluster_state:ok/.test(text)) return `${port} does not see cluster_state:ok`;
    if (!/cluster_slots_ok:16384/.test(text)) return `${port} does not see 16384 slots ok`;
    const nodes = parseNodes(
      await onNode(port, (node) => node.cluster('NODES') as Promise<string>),
    );
    for (const node of nodes) {
      if (node.failing !== down.includes(node.port)) {
        return `${port} sees ${node.port} ${node.failing ? 'failing' : 'not failing'}`;
      }
      if (down.includes(node.port) && node.slots.length > 0) {
        return `${port} still sees ${node.port} owning slots`;
      }
      const replicas = nodes.filter((r) => r.masterId === node.id && !r.failing);
      if (replicated && node.role === 'master' && node.slots.length > 0 && replicas.length === 0) {
        return `${port} sees master ${node.port} without a replica`;
      }
    }
  }
  if (!replicated) return undefined;
  for (const master of await clusterMasters(seedPort)) {
    // "state=online": the replica finished its sync, so WAIT counts it.
    const attached = await info(master.port, 'replication');
    if (!/slave\d+:.*state=online/.test(attached)) return `master ${master.port} has no replica`;
  }
  return undefined;
}

/**
 * Waits until every node of the seed's cluster that is up sees cluster_state:ok
 * with all slots and (unless `replicated: false`, or on the cache cluster)
 * every master has a replica in sync.
 */
export async function waitClusterHealthy(
  seedPort: number,
  what: string,
  options: { down?: readonly number[]; replicated?: boolean } = {},
): Promise<void> {
  let problem: string | undefined;
  try {
    await eventually(
      async () => {
        problem = await clusterProblem(seedPort, options).catch(String);
        return problem === undefined ? true : undefined;
      },
      { timeoutMs: 30_000, intervalMs: 100, what },
    );
  } catch {
    throw new Error(`timed out waiting for ${what}: ${problem}`);
  }
}

async function roleOf(port: number): Promise<string | undefined> {
  return onNode(port, async (node) => String((await node.role())[0])).catch(() => undefined);
}

/**
 * `CLUSTER FAILOVER` on a replica of the key's master; resolves once that
 * replica is master, the old one its replica and every node sees cluster_state:ok.
 */
export async function failoverMasterOf(seedPort: number, key: string): Promise<MasterChange> {
  const master = await masterOfKey(seedPort, key);
  const replica = master.replicas[0];
  if (!replica) throw new Error(`master ${master.port} has no replica to fail over to`);
  await onNode(replica.port, (node) => node.cluster('FAILOVER'));
  await eventually(
    async () =>
      (await roleOf(replica.port)) === 'master' && (await roleOf(master.port)) === 'slave'
        ? true
        : undefined,
    { timeoutMs: 30_000, what: `replica ${replica.port} to take over from ${master.port}` },
  );
  await waitClusterHealthy(seedPort, 'the cluster after the failover');
  return { oldPort: master.port, newPort: replica.port };
}

/**
 * `kill -9` of the key's master; resolves once its replica was promoted and
 * every other node sees cluster_state:ok. The old master stays down until
 * {@link restartClusterNode}.
 */
export async function killMasterOf(seedPort: number, key: string): Promise<MasterChange> {
  const master = await masterOfKey(seedPort, key);
  const replica = master.replicas[0];
  if (!replica) throw new Error(`master ${master.port} has no replica to take over`);
  const pid = Number(/process_id:(\d+)/.exec(await info(master.port, 'server'))?.[1]);
  process.kill(pid, 'SIGKILL');
  await eventually(async () => ((await roleOf(replica.port)) === 'master' ? true : undefined), {
    timeoutMs: 30_000,
    what: `replica ${replica.port} to be promoted after ${master.port} was killed`,
  });
  await waitClusterHealthy(seedPort, 'the cluster without its killed master', {
    down: [master.port],
    replicated: false,
  });
  return { oldPort: master.port, newPort: replica.port };
}

/**
 * Starts a killed node the way the services script does (`services.sh cluster
 * start`, which restarts whatever is down and waits for a healthy cluster);
 * resolves once the node is a replica with its link to its master up.
 */
export async function restartClusterNode(port: number): Promise<void> {
  clusterOf(port);
  await startClusters();
  await eventually(
    async () =>
      (await info(port, 'replication').catch(() => '')).includes('master_link_status:up')
        ? true
        : undefined,
    { timeoutMs: 60_000, what: `node ${port} to rejoin as a replica` },
  );
  await waitClusterHealthy(port, `the cluster after ${port} rejoined`);
}

/** Runs `services.sh cluster start` (starting, forming or healing both clusters). */
export async function startClusters(): Promise<{ output: string; ms: number }> {
  const started = Date.now();
  const { stderr } = await run('bash', ['scripts/services.sh', 'cluster', 'start'], {
    cwd: ROOT,
    timeout: 180_000,
  });
  return { output: stderr, ms: Date.now() - started };
}
