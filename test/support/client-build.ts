import { execFile } from 'node:child_process';
import { readdir, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What client/dist is built from: the client's sources and generator, and the schemas it renders. */
const SOURCES = ['client/src', 'client/scripts', 'client/package.json', 'shared/domain/schemas'];

async function newestChange(path: string): Promise<number> {
  const info = await stat(path);
  if (!info.isDirectory()) return info.mtimeMs;
  const entries = await readdir(path);
  const times = await Promise.all(entries.map((entry) => newestChange(join(path, entry))));
  return Math.max(info.mtimeMs, ...times);
}

/**
 * Runs `npm run build:client` unless client/dist is newer than everything it
 * is built from (npm test builds it once, before the tests that use it).
 */
export async function ensureClientBuilt(): Promise<void> {
  const built = await stat(join(ROOT, 'client/dist/index.js')).then(
    (info) => info.mtimeMs,
    () => 0,
  );
  const sources = await Promise.all(SOURCES.map((path) => newestChange(join(ROOT, path))));
  if (built > Math.max(...sources)) return;
  await promisify(execFile)('npm', ['run', '--silent', 'build:client'], { cwd: ROOT });
}
