import type { ServiceName } from '../config/index.js';

/**
 * Which services this process runs: all of them by default, or the ones named
 * with `--service NAME` (repeatable, or comma-separated).
 */
export function selectServices(
  argv: readonly string[],
  available: readonly ServiceName[],
): ServiceName[] {
  const named: string[] = [];
  argv.forEach((arg, i) => {
    if (arg === '--service') named.push(...(argv[i + 1] ?? '').split(','));
    else if (arg.startsWith('--service=')) named.push(...arg.slice('--service='.length).split(','));
  });
  if (argv.some((arg) => arg === '--service' || arg.startsWith('--service='))) {
    if (named.some((name) => name.trim() === '')) {
      throw new Error(`--service needs a name: one of ${available.join(', ')}`);
    }
  }
  if (named.length === 0) return [...available];
  const unknown = named.filter((n) => !(available as readonly string[]).includes(n));
  if (unknown.length > 0) {
    throw new Error(`unknown service ${unknown.join(', ')}; known: ${available.join(', ')}`);
  }
  return [...new Set(named)] as ServiceName[];
}
