/** PromQL words that look like metric names but are functions, keywords or modifiers. */
const PROMQL_WORDS = new Set([
  'sum',
  'min',
  'max',
  'avg',
  'count',
  'stddev',
  'stdvar',
  'topk',
  'bottomk',
  'quantile',
  'count_values',
  'group',
  'by',
  'without',
  'on',
  'ignoring',
  'group_left',
  'group_right',
  'and',
  'or',
  'unless',
  'bool',
  'offset',
  'rate',
  'irate',
  'increase',
  'delta',
  'idelta',
  'deriv',
  'histogram_quantile',
  'time',
  'abs',
  'absent',
  'clamp_min',
  'clamp_max',
  'vector',
  'scalar',
  'label_replace',
  'avg_over_time',
  'max_over_time',
  'min_over_time',
  'sum_over_time',
  'changes',
  'resets',
  'timestamp',
  'round',
  'ceil',
  'floor',
  'inf',
  'nan',
]);

/**
 * The metric names a PromQL expression reads: label matchers, strings,
 * durations, grouping lists and function names removed.
 */
export function metricNamesOf(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '""')
    .replace(/\{[^}]*\}/g, ' ')
    .replace(/\[[^\]]*\]/g, ' ')
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, ' ');
  const names = new Set<string>();
  for (const match of bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const word = match[0];
    const next = bare.slice((match.index ?? 0) + word.length).trimStart();
    if (PROMQL_WORDS.has(word) || next.startsWith('(')) continue;
    names.add(word);
  }
  return [...names];
}

/** The series names a Prometheus text exposition declares (`# TYPE`), with a histogram's and summary's parts. */
export function exportedNamesOf(exposition: string): Set<string> {
  const names = new Set<string>();
  for (const [, name, type] of exposition.matchAll(/^# TYPE (\S+) (\S+)$/gm)) {
    names.add(name!);
    if (type === 'histogram')
      for (const part of ['_bucket', '_sum', '_count']) names.add(name + part);
    if (type === 'summary') for (const part of ['_sum', '_count']) names.add(name + part);
  }
  return names;
}
