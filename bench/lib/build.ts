import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './child.js';

/** Spillway's processes as production runs them (the Dockerfile's `node dist/...`). */
export const API_ENTRY = 'dist/api/main.js';
export const WORKERS_ENTRY = 'dist/workers/main.js';

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
