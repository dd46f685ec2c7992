import { access, readFile } from 'node:fs/promises';
import type { Connections } from '../../shared/connections.js';

/** CPU time (user + system) process `pid` has used so far, in ms: noise-resistant cost per request. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

/** CPU time this process (the load generator runs in it) has used so far, in ms. */
export function ownCpuMs(): number {
  const { user, system } = process.cpuUsage();
  return (user + system) / 1000;
}

/**
 * The pids of both Redis servers when they run on this machine (their
 * `process_id` from INFO names a live local process); empty otherwise, and the
 * Redis share of a request is then not measured.
 */
export async function localRedisPids(connections: Connections): Promise<number[]> {
  const pids: number[] = [];
  for (const redis of [connections.queueRedis, connections.cacheRedis]) {
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    if (!Number.isInteger(pid) || pids.includes(pid)) continue;
    const local = await access(`/proc/${pid}/stat`).then(
      () => true,
      () => false,
    );
    if (local) pids.push(pid);
  }
  return pids;
}

/** µs of CPU per answered request, by who spent it. */
export interface CpuPerRequest {
  /** The server under test (the API, the hello-world, the sync baseline). */
  readonly server: number;
  /** Both Redis servers together (NaN when they are not on this machine). */
  readonly redis: number;
  /** autocannon, in the benchmark's own process. */
  readonly loadGenerator: number;
}

/** Starts counting CPU of the server, the local Redis servers and this process; `stop` gives µs per request. */
export async function startCpuCount(
  serverPid: number,
  redisPids: readonly number[],
): Promise<{ stop(requests: number): Promise<CpuPerRequest> }> {
  const redisMs = async () => {
    let total = 0;
    for (const pid of redisPids) total += await cpuMs(pid);
    return total;
  };
  const before = { server: await cpuMs(serverPid), redis: await redisMs(), own: ownCpuMs() };
  return {
    async stop(requests) {
      const perRequest = (ms: number) => (ms * 1000) / Math.max(requests, 1);
      return {
        server: perRequest((await cpuMs(serverPid)) - before.server),
        redis: redisPids.length ? perRequest((await redisMs()) - before.redis) : Number.NaN,
        loadGenerator: perRequest(ownCpuMs() - before.own),
      };
    },
  };
}
