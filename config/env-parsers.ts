/** One variable's parse failure; collected so start-up reports every bad variable at once. */
export class ConfigError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration:\n  ${problems.join('\n  ')}`);
    this.name = 'ConfigError';
  }
}

/** `host:port` or `[IPv6 address]:port`; a bare host never holds a colon. */
const HOST_PORT = /^(?:\[([^\]]+)\]|([^:[\]]+)):(\d{1,5})$/;

/** Deliberately loose: SMTP servers judge addresses; this only catches a missing or doubled `@`. */
const EMAIL_ADDRESS = /^[^\s@<>,]+@[^\s@<>,]+$/;

export type Env = Readonly<Record<string, string | undefined>>;

/** Reads variables from one environment and records every problem instead of throwing at the first. */
export class EnvReader {
  readonly problems: string[] = [];

  constructor(private readonly env: Env) {}

  string(name: string, fallback: string): string {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    return raw;
  }

  optionalString(name: string): string | undefined {
    const raw = this.env[name];
    return raw === undefined || raw === '' ? undefined : raw;
  }

  int(name: string, fallback: number, range: { min: number; max: number }): number {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    const value = Number(raw);
    if (!/^-?\d+$/.test(raw.trim()) || !Number.isSafeInteger(value)) {
      this.problems.push(`${name}: expected an integer, got "${raw}"`);
      return fallback;
    }
    if (value < range.min || value > range.max) {
      this.problems.push(`${name}: expected ${range.min}..${range.max}, got ${value}`);
      return fallback;
    }
    return value;
  }

  port(name: string, fallback: number): number {
    return this.int(name, fallback, { min: 0, max: 65535 });
  }

  oneOf<T extends string>(name: string, fallback: T, allowed: readonly T[]): T {
    const raw = this.env[name];
    if (raw === undefined || raw === '') return fallback;
    if (!(allowed as readonly string[]).includes(raw)) {
      this.problems.push(`${name}: expected one of ${allowed.join(', ')}, got "${raw}"`);
      return fallback;
    }
    return raw as T;
  }

  url(name: string, fallback: string, protocols: readonly string[]): string {
    const raw = this.string(name, fallback);
    try {
      const parsed = new URL(raw);
      if (!protocols.includes(parsed.protocol)) {
        this.problems.push(`${name}: expected a ${protocols.join(' or ')} URL`);
        return fallback;
      }
      return raw;
    } catch {
      // The value is not echoed: URLs carry passwords, and this message is logged.
      this.problems.push(`${name}: not a valid URL`);
      return fallback;
    }
  }

  /** `true` or `false` (the only spellings accepted, so a typo is an error, not a silent false). */
  bool(name: string, fallback: boolean): boolean {
    return this.oneOf(name, fallback ? 'true' : 'false', ['true', 'false']) === 'true';
  }

  /** One e-mail address. */
  address(name: string, fallback: string): string {
    const raw = this.string(name, fallback).trim();
    if (EMAIL_ADDRESS.test(raw)) return raw;
    this.problems.push(`${name}: not an e-mail address: "${raw}"`);
    return fallback;
  }

  /** A comma-separated list of e-mail addresses; empty when unset. Each must look like `local@domain`. */
  addressList(name: string, fallback: readonly string[] = []): string[] {
    const addresses = this.items(name);
    if (addresses === undefined) return [...fallback];
    const bad = addresses.filter((address) => !EMAIL_ADDRESS.test(address));
    if (bad.length > 0) {
      this.problems.push(`${name}: not an e-mail address: ${bad.map((b) => `"${b}"`).join(', ')}`);
      return [...fallback];
    }
    return addresses;
  }

  /** A comma-separated list whose items are all in `allowed`; `fallback` when unset. */
  listOf<T extends string>(name: string, fallback: readonly T[], allowed: readonly T[]): T[] {
    const items = this.items(name);
    if (items === undefined) return [...fallback];
    const bad = items.filter((item) => !(allowed as readonly string[]).includes(item));
    if (bad.length > 0) {
      this.problems.push(
        `${name}: unknown ${bad.map((b) => `"${b}"`).join(', ')}; expected some of ${allowed.join(', ')}`,
      );
      return [...fallback];
    }
    return items as T[];
  }

  /**
   * A comma-separated list whose items each match `pattern` (`expected` names
   * what an item must look like); undefined when unset. Only the form is
   * checked: which items exist is known beyond config/.
   */
  listMatching(name: string, pattern: RegExp, expected: string): string[] | undefined {
    const items = this.items(name);
    if (items === undefined) return undefined;
    const bad = items.filter((item) => !pattern.test(item));
    if (items.length === 0 || bad.length > 0) {
      const got = bad.length > 0 ? bad.map((b) => `"${b}"`).join(', ') : 'no item';
      this.problems.push(`${name}: expected a comma-separated list of ${expected}, got ${got}`);
      return undefined;
    }
    return items;
  }

  /** A comma-separated list of `host:port` (`[v6]:port` for IPv6); undefined when unset. */
  hostPorts(name: string): { host: string; port: number }[] | undefined {
    const items = this.items(name);
    if (items === undefined) return undefined;
    const parsed = items.map((item) => {
      const match = HOST_PORT.exec(item);
      const host = match?.[1] ?? match?.[2];
      const port = Number(match?.[3]);
      return host && port >= 1 && port <= 65535 ? { host, port } : item;
    });
    const bad = parsed.filter((entry): entry is string => typeof entry === 'string');
    if (bad.length > 0) {
      this.problems.push(
        `${name}: expected host:port entries ([address]:port for IPv6), got ${bad.map((b) => `"${b}"`).join(', ')}`,
      );
      return undefined;
    }
    return parsed as { host: string; port: number }[];
  }

  /** The trimmed, non-empty items of a comma-separated variable; undefined when unset or blank. */
  private items(name: string): string[] | undefined {
    const raw = this.env[name];
    if (raw === undefined || raw.trim() === '') return undefined;
    return raw
      .split(',')
      .map((item) => item.trim())
      .filter((item) => item !== '');
  }

  /** A string that `isValid` accepts; `expected` says what was wanted when it does not. */
  matching(name: string, fallback: string, isValid: (raw: string) => boolean, expected: string) {
    const raw = this.string(name, fallback);
    if (!isValid(raw)) {
      this.problems.push(`${name}: expected ${expected}, got "${raw}"`);
      return fallback;
    }
    return raw;
  }

  /** Records a problem found by a rule across several variables. */
  problem(message: string): void {
    this.problems.push(message);
  }

  /** Throws one ConfigError naming every bad variable read so far. */
  assertValid(): void {
    if (this.problems.length > 0) throw new ConfigError(this.problems);
  }
}
