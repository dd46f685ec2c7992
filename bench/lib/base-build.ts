import { execFile } from 'node:child_process';
import { access, mkdir, rm, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { ROOT } from './child.js';
import { API_ENTRY, WORKERS_ENTRY } from './build.js';

const run = promisify(execFile);

/** An earlier version of Spillway, compiled beside this one: its entry files. */
export interface BaseBuild {
  readonly rev: string;
  readonly apiEntry: string;
  readonly workersEntry: string;
}

/**
 * Compiles commit `rev` of this repository into <tmp>/spillway-bench-base/<rev>/dist, once
 * (kept for later runs), so a benchmark can run that version side by side
 * with this one under the same noise. The earlier version uses this
 * checkout's node_modules: its dependencies are a subset of these, at the
 * same versions, for the commits these benchmarks compare against.
 */
export async function buildBase(rev: string): Promise<BaseBuild> {
  const { stdout } = await run('git', ['rev-parse', '--short', `${rev}^{commit}`], { cwd: ROOT });
  const short = stdout.trim();
  // Outside the checkout, so lint, type-check and tests never see a second copy.
  const dir = join(tmpdir(), 'spillway-bench-base', short);
  const built = {
    rev: short,
    apiEntry: join(dir, API_ENTRY),
    workersEntry: join(dir, WORKERS_ENTRY),
  };
  const exists = (path: string) =>
    access(path).then(
      () => true,
      () => false,
    );
  if ((await exists(built.apiEntry)) && (await exists(built.workersEntry))) return built;
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await run('bash', ['-c', `git archive ${short} | tar -x -C "${dir}"`], { cwd: ROOT });
  await symlink(join(ROOT, 'node_modules'), join(dir, 'node_modules'));
  await run(
    process.execPath,
    [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: dir },
  );
  return built;
}
