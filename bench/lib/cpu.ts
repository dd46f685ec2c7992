import { readFile } from 'node:fs/promises';
import type { Connections } from '../../shared/infra/process/connections.js';

/** Clock ticks per second of /proc's CPU times (USER_HZ, 100 on Linux). */
const TICKS_PER_SECOND = 100;
const msOfTicks = (ticks: number) => (ticks * 1000) / TICKS_PER_SECOND;

/**
 * CPU time (user + system) in ms from the text of /proc/<pid>/stat. The
 * command name sits in parentheses and may itself hold ") ", so the fields are
 * counted from the last ")": utime and stime are fields 14 and 15 of the line.
 */
export function processCpuMs(statText: string): number {
  const fields = statText.slice(statText.lastIndexOf(')') + 2).split(' ');
  return msOfTicks(Number(fields[11]) + Number(fields[12]));
}

/**
 * The machine's busy and total CPU time in ms from the text of /proc/stat.
 * Idle and iowait are not busy; steal (time the hypervisor gave to someone
 * else) is left out of both, and guest time is already inside user and nice.
 */
export function machineCpuMs(procStatText: string): { busy: number; total: number } {
  const [user = 0, nice = 0, system = 0, idle = 0, iowait = 0, irq = 0, softirq = 0] = (
    procStatText.split('\n')[0] ?? ''
  )
    .trim()
    .split(/\s+/)
    .slice(1, 8)
    .map(Number);
  const busy = user + nice + system + irq + softirq;
  const total = busy + idle + iowait;
  return { busy: msOfTicks(busy), total: msOfTicks(total) };
}

/** CPU time (user + system) process `pid` has used so far, in ms: noise-resistant cost per request. */
export async function cpuMs(pid: number): Promise<number> {
  return processCpuMs(await readFile(`/proc/${pid}/stat`, 'utf8'));
}

/** Whether `pid` is a live process on this machine whose command name matches `name`. */
async function isLocalProcess(pid: number, name: RegExp): Promise<boolean> {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const comm = await readFile(`/proc/${pid}/comm`, 'utf8').catch(() => '');
  return name.test(comm);
}

/**
 * The pids of both Redis servers when they run on this machine: the
 * `process_id` their INFO reports names a local redis-server (a Redis in a
 * container reports its own pid 1, which is not). Empty otherwise, and the
 * Redis share is then not measured.
 */
export async function localRedisPids(connections: Connections): Promise<number[]> {
  const pids: number[] = [];
  for (const redis of [connections.queueRedis, connections.cacheRedis]) {
    const pid = Number(/process_id:(\d+)/.exec(await redis.info('server'))?.[1]);
    if (!pids.includes(pid) && (await isLocalProcess(pid, /redis/))) pids.push(pid);
  }
  return pids;
}

/** The MySQL server's pid when it runs on this machine (from its pid file); empty otherwise. */
export async function localMysqlPids(connections: Connections): Promise<number[]> {
  const [rows] = await connections.mysql.query('SELECT @@pid_file AS file');
  const file = (rows as { file: string | null }[])[0]?.file;
  const pid = file ? Number((await readFile(file, 'utf8').catch(() => '')).trim()) : Number.NaN;
  return (await isLocalProcess(pid, /mysqld|mariadbd/)) ? [pid] : [];
}

/** What a CPU count found: µs of CPU per unit of work by group (NaN for a group with no local process), and how busy the machine was. */
export interface CpuCount<Group extends string> {
  readonly perUnit: Record<Group, number>;
  /** Share of the machine's cores busy over the count (0–1), whoever used them. */
  readonly machineBusy: number;
}

/** µs of CPU per answered request: the server under test, both Redis servers, autocannon (in this process). */
export type HttpCpuGroup = 'server' | 'redis' | 'loadGenerator';

/** µs of CPU per drained job: the worker processes, both Redis servers, the MySQL server. */
export type DrainCpuGroup = 'workers' | 'redis' | 'mysql';

/** µs of CPU per stored write in a steady run: the API, the workers, both Redis servers, MySQL, this process. */
export type SteadyCpuGroup = 'api' | 'workers' | 'redis' | 'mysql' | 'loadGenerator';

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
  const machineMs = async () => machineCpuMs(await readFile('/proc/stat', 'utf8'));
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

/** Counts an HTTP run's CPU: the server under test, the local Redis servers, and this process (autocannon runs in it). */
export function startHttpCpuCount(serverPid: number, redisPids: readonly number[]) {
  return startCpuCount<HttpCpuGroup>({
    server: [serverPid],
    redis: redisPids,
    loadGenerator: [process.pid],
  });
}

/** Counts a drain's CPU: its worker processes, the local Redis servers and the local MySQL server. */
export async function startDrainCpuCount(connections: Connections, workerPids: readonly number[]) {
  return startCpuCount<DrainCpuGroup>({
    workers: workerPids,
    redis: await localRedisPids(connections),
    mysql: await localMysqlPids(connections),
  });
}
