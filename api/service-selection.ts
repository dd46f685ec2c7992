import { SERVICE_NAMES, type ServiceName } from '../config/index.js';

/**
 * Which services this process runs: all of them by default, or the ones named
 * with `--service NAME` (repeatable, or comma-separated).
 */
export function selectServices<N extends string>(
  argv: readonly string[],
  available: readonly N[],
): N[] {
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
  return [...new Set(named)] as N[];
}

/**
 * Services plus the ops listener (Bull Board, docs): `--service ops` runs it
 * alone; with no `--service`, a process runs every service and ops.
 */
export function selectProcessParts(
  argv: readonly string[],
  available: readonly ServiceName[],
): { services: ServiceName[]; ops: boolean } {
  const asked = argv.some((arg) => arg === '--service' || arg.startsWith('--service='));
  const parts = selectServices<ServiceName | 'ops'>(argv, [...available, 'ops']);
  const services = parts.filter((name): name is ServiceName => name !== 'ops');
  return { services: asked ? services : [...available], ops: !asked || parts.includes('ops') };
}

/**
 * The default `service.name` of an API process's traces: `spillway-api` when it
 * runs every service, else the ones it runs (`spillway-public`), so a trace
 * across processes shows which hop each span is from.
 */
export function traceServiceName(argv: readonly string[]): string {
  if (!argv.some((arg) => arg === '--service' || arg.startsWith('--service=')))
    return 'spillway-api';
  return `spillway-${selectProcessParts(argv, SERVICE_NAMES).services.join('-') || 'ops'}`;
}
