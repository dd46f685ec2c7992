import { readFile } from 'node:fs/promises';

/** CPU time (user + system) process `pid` has used so far, in ms: noise-resistant cost per request. */
export async function cpuMs(pid: number): Promise<number> {
  const fields = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]?.split(' ') ?? [];
  return ((Number(fields[11]) + Number(fields[12])) * 1000) / 100;
}
