import { join } from 'node:path';
import { ROOT } from './child.js';

/** What a focused bench tool was given: KEY=VALUE settings, and Node flags for its profiled child. */
export interface ToolArgs {
  /** Every KEY=VALUE argument (the value may itself contain "="). */
  readonly env: Record<string, string>;
  /** `--cpu-prof` given: V8 profiles of the measured process go to bench/results/profiles/. */
  readonly cpuProfile: readonly string[];
  has(flag: string): boolean;
}

export function parseToolArgs(argv: readonly string[]): ToolArgs {
  const env = Object.fromEntries(
    argv
      .filter((arg) => arg.includes('='))
      .map((arg) => [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]),
  );
  const has = (flag: string) => argv.includes(flag);
  const cpuProfile = has('--cpu-prof')
    ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench/results/profiles')}`]
    : [];
  return { env, cpuProfile, has };
}
