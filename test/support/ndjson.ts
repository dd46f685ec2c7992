/** Items as an NDJSON body: one JSON document per line. */
export const ndjson = (items: readonly unknown[]): string =>
  `${items.map((i) => JSON.stringify(i)).join('\n')}\n`;

/** An NDJSON answer's lines, parsed. */
export const lines = (text: string): Record<string, unknown>[] =>
  text
    .trim()
    .split('\n')
    .map((line) => JSON.parse(line) as Record<string, unknown>);
