// What the local Redis Clusters look like: their nodes, masters and slots,
// read over plain connections to single nodes. Used by redis-cluster.ts.
import { Redis } from 'ioredis';

const HOST = '127.0.0.1';

/**
 * The two local clusters `scripts/services.sh` starts (SPEC §8), shared by every
 * test run on this machine: tests keep to their own key prefix and never flush.
 */
const CLUSTERS = {
  queue: { ports: [7300, 7301, 7302, 7303, 7304, 7305], replicasPerMaster: 1 },
  cache: { ports: [7400, 7401, 7402], replicasPerMaster: 0 },
} as const;

export const QUEUE_CLUSTER_PORTS: readonly number[] = CLUSTERS.queue.ports;
export const CACHE_CLUSTER_PORTS: readonly number[] = CLUSTERS.cache.ports;
/** Seed nodes as REDIS_QUEUE_CLUSTER_NODES / REDIS_CACHE_CLUSTER_NODES read them. */
export const QUEUE_CLUSTER_NODES = QUEUE_CLUSTER_PORTS.map((port) => `${HOST}:${port}`).join(',');
export const CACHE_CLUSTER_NODES = CACHE_CLUSTER_PORTS.map((port) => `${HOST}:${port}`).join(',');

/** Inclusive range of hash slots. */
export type SlotRange = readonly [first: number, last: number];

/** One line of `CLUSTER NODES`. */
export interface ClusterNode {
  readonly id: string;
  readonly host: string;
  readonly port: number;
  readonly role: 'master' | 'replica';
  /** For a replica, the id of its master. */
  readonly masterId: string | undefined;
  /** Flagged `fail`/`fail?`, or its link is down, as the answering node sees it. */
  readonly failing: boolean;
  readonly slots: readonly SlotRange[];
}

export interface ClusterMaster {
  readonly host: string;
  readonly port: number;
  readonly id: string;
  readonly slots: readonly SlotRange[];
  /** Its replicas that are not failing. */
  readonly replicas: readonly ClusterNode[];
}

export function clusterOf(port: number): (typeof CLUSTERS)[keyof typeof CLUSTERS] {
  const cluster = Object.values(CLUSTERS).find((c) =>
    (c.ports as readonly number[]).includes(port),
  );
  if (!cluster) throw new Error(`port ${port} is not a node of the local clusters`);
  return cluster;
}

/** Runs `use` on a plain connection to one node; a node that is down fails at once. */
export async function onNode<T>(port: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const node = new Redis({
    host: HOST,
    port,
    lazyConnect: true,
    maxRetriesPerRequest: 0,
    connectTimeout: 2_000,
    retryStrategy: () => null,
  });
  node.on('error', () => undefined);
  try {
    await node.connect();
    return await use(node);
  } finally {
    node.disconnect();
  }
}

export function parseNodes(text: string): ClusterNode[] {
  return text
    .trim()
    .split('\n')
    .map((line) => {
      const [id = '', address = '', flags = '', master = '', , , , link = '', ...slots] = line
        .trim()
        .split(' ');
      const [host = '', port = ''] = address.split('@')[0]?.split(':') ?? [];
      return {
        id,
        host,
        port: Number(port),
        role: flags.includes('master') ? 'master' : 'replica',
        masterId: master === '-' ? undefined : master,
        failing: flags.includes('fail') || link !== 'connected',
        // Entries like "[5461->-node]" are slots being migrated: not owned ranges.
        slots: slots
          .filter((s) => !s.startsWith('['))
          .map((s): SlotRange => {
            const [first, last = first] = s.split('-').map(Number) as [number, number?];
            return [first, last];
          }),
      };
    });
}

/** Runs `use` on the seed or, if it is down (a test killed it), on another node of its cluster. */
export async function onSeed<T>(seedPort: number, use: (node: Redis) => Promise<T>): Promise<T> {
  const ports = [seedPort, ...clusterOf(seedPort).ports.filter((p) => p !== seedPort)];
  let lastError: unknown;
  for (const port of ports) {
    try {
      return await onNode(port, use);
    } catch (error) {
      lastError = error;
    }
  }
  throw lastError;
}

/** `CLUSTER NODES` as the seed (or another live node of its cluster) sees it. */
export async function clusterNodes(seedPort: number): Promise<ClusterNode[]> {
  return parseNodes(await onSeed(seedPort, (node) => node.cluster('NODES') as Promise<string>));
}

/** The masters that own slots, with the replicas attached to each. */
export async function clusterMasters(seedPort: number): Promise<ClusterMaster[]> {
  const nodes = await clusterNodes(seedPort);
  return nodes
    .filter((n) => n.role === 'master' && !n.failing && n.slots.length > 0)
    .map(({ host, port, id, slots }) => ({
      host,
      port,
      id,
      slots,
      replicas: nodes.filter((r) => r.masterId === id && !r.failing),
    }))
    .sort((a, b) => (a.slots[0]?.[0] ?? 0) - (b.slots[0]?.[0] ?? 0));
}

/** The master that owns `key`'s hash slot (`CLUSTER KEYSLOT`, honouring `{hash tags}`). */
export async function masterOfKey(seedPort: number, key: string): Promise<ClusterMaster> {
  const slot = await onSeed(seedPort, (node) => node.cluster('KEYSLOT', key));
  const master = (await clusterMasters(seedPort)).find((m) =>
    m.slots.some(([first, last]) => slot >= first && slot <= last),
  );
  if (!master) throw new Error(`no master owns slot ${slot} (key ${key})`);
  return master;
}
