import { access, readFile } from 'node:fs/promises';
import type { Connections } from '../../shared/connections.js';

/** CPU time (user + system) process `pid` has used so far, in ms: noise-resistant cost per request. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}

const isLocal = (pid: number) =>
  Number.isInteger(pid) && pid > 0
    ? access(`/proc/${pid}/stat`).then(
        () => true,
        () => false,
      )
    : Promise.resolve(false);

/**
 * The pids of both Redis servers when they run on this machine (their
 * `process_id` from INFO names a live local process); empty otherwise, and the
 * Redis share is then not measured.
 */
export async function localRedisPids(connections: Connections): Promise<number[]> {
  const pids: number[] = [];
  for (const redis of [connections.queueRedis, connections.cacheRedis]) {
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    if (!pids.includes(pid) && (await isLocal(pid))) pids.push(pid);
  }
  return pids;
}

/** The MySQL server's pid when it runs on this machine (from its pid file); empty otherwise. */
export async function localMysqlPids(connections: Connections): Promise<number[]> {
  const [rows] = await connections.mysql.query('SELECT @@pid_file AS file');
  const file = (rows as { file: string | null }[])[0]?.file;
  const pid = file ? Number((await readFile(file, 'utf8').catch(() => '')).trim()) : Number.NaN;
  return (await isLocal(pid)) ? [pid] : [];
}

/** The whole machine's busy and total CPU time so far, in ms (/proc/stat: all but idle and iowait is busy). */
async function machineMs(): Promise<{ busy: number; total: number }> {
  const fields = (await readFile('/proc/stat', 'utf8')).split('\n')[0]?.trim().split(/\s+/) ?? [];
  const ticks = fields.slice(1).map(Number);
  const total = ticks.reduce((sum, tick) => sum + tick, 0);
  return { busy: (total - (ticks[3] ?? 0) - (ticks[4] ?? 0)) * 10, total: total * 10 };
}

/** What a CPU count found: µs of CPU per unit of work by group (NaN for a group with no local process), and how busy the machine was. */
export interface CpuCount<Group extends string> {
  readonly perUnit: Record<Group, number>;
  /** Share of all cores busy over the count (0–1), whoever used them. */
  readonly machineBusy: number;
}

/**
 * Starts counting the CPU time of groups of processes (by pid) and of the
 * whole machine; `stop(units)` gives µs per unit of work (a request, a job).
 */
export async function startCpuCount<Group extends string>(
  groups: Record<Group, readonly number[]>,
): Promise<{ stop(units: number): Promise<CpuCount<Group>> }> {
  const names = Object.keys(groups) as Group[];
  const groupMs = async (name: Group) => {
    let total = 0;
    for (const pid of groups[name]) total += await cpuMs(pid);
    return total;
  };
  const before = new Map<Group, number>();
  for (const name of names) before.set(name, await groupMs(name));
  const machineBefore = await machineMs();
  return {
    async stop(units) {
      const perUnit = {} as Record<Group, number>;
      for (const name of names) {
        const ms = (await groupMs(name)) - (before.get(name) ?? 0);
        perUnit[name] = groups[name].length ? (ms * 1000) / Math.max(units, 1) : Number.NaN;
      }
      const machine = await machineMs();
      const total = machine.total - machineBefore.total;
      return { perUnit, machineBusy: total > 0 ? (machine.busy - machineBefore.busy) / total : 0 };
    },
  };
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
