export interface Sample {
  readonly name: string;
  readonly labels: Record<string, string>;
  readonly value: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})?\s+(\S+)(\s+-?\d+)?$/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

/**
 * Parses Prometheus text exposition strictly: every line is a comment
 * (`# HELP` / `# TYPE`) or a sample; anything else throws, naming the line.
 */
export function parsePrometheusText(text: string): Sample[] {
  const samples: Sample[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '' || line.startsWith('# HELP ') || line.startsWith('# TYPE ')) return;
    const match = SAMPLE.exec(line);
    // Values are Go floats: NaN and ±Inf in any letter case (prom-client prints "Nan").
    const raw = match?.[4] ?? '';
    const special: Record<string, number> = {
      nan: NaN,
      '+inf': Infinity,
      inf: Infinity,
      '-inf': -Infinity,
    };
    const value = raw.toLowerCase() in special ? special[raw.toLowerCase()]! : Number(raw);
    if (!match || (Number.isNaN(value) && raw.toLowerCase() !== 'nan')) {
      throw new Error(`line ${index + 1} is not Prometheus text: ${line}`);
    }
    const labels: Record<string, string> = {};
    for (const [, key, raw] of (match[3] ?? '').matchAll(LABEL)) labels[key!] = raw!;
    samples.push({ name: match[1]!, labels, value });
  });
  return samples;
}

/** Sum of the samples of `name` whose labels include `labels`. */
export function sumOf(
  samples: readonly Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples
    .filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .reduce((total, s) => total + s.value, 0);
}
