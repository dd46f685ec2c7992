import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './child.js';

/** Spillway's processes as production runs them (the Dockerfile's `node dist/...`). */
export const API_ENTRY = 'dist/api/main.js';
export const WORKERS_ENTRY = 'dist/workers/main.js';
/**
 * The API's Node flags in production (Dockerfile and docker-compose.yml): a
 * bounded old generation, which V8 otherwise grows lazily under load
 * (~300 MB RSS at 5k writes/s, ~150 MB with the bound, same throughput), and
 * no allocation-site pretenuring, which left about one API process in four
 * ~30 % slower for its whole life (docs/performance.md, tuning log 26).
 */
export const API_NODE_ARGS = [
  '--max-old-space-size=160',
  '--no-allocation-site-pretenuring',
] as const;

/**
 * The workers' Node flags in production (docker-compose.yml, npm start): young
 * generation semi-spaces of up to 32 MB instead of V8's 16. A worker keeps
 * ~1,000 jobs in flight, and each scavenge copies what they hold; fewer
 * scavenges cost 7–10 % less worker CPU per drained job (docs/performance.md,
 * tuning log 39).
 */
export const WORKERS_NODE_ARGS = ['--max-semi-space-size=32'] as const;

/**
 * Compiles Spillway into dist/ (`npm run build`), so the benchmark measures the
 * JavaScript production runs, not the development loader (tsx), which costs
 * the API ~30 MB of memory and start-up time of its own.
 */
export async function buildSpillway(): Promise<void> {
  await promisify(execFile)(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: ROOT },
  );
}
