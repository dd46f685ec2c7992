/**
 * The statement text a database span carries: the shape of the command, never
 * its values (they are users' data), and a batch's rows or documents as one
 * entry and a count (a group commit of 500 rows would otherwise put 500 copies
 * of the same shape in every span, hundreds of KB a batch).
 */

const LITERAL = /\b\d+\b|(["'])(?:(?=(\\?))\2.)*?\1/g;
// A parenthesised list followed by more of the same: the rows of a multi-row VALUES.
const REPEATED_TUPLE = /(\([^()]*\))(?:\s*,\s*\1)+/g;

/** An SQL statement with its literals as `?` and repeated row tuples counted. */
export function sqlStatement(sql: string): string {
  return sql.replace(LITERAL, '?').replace(REPEATED_TUPLE, (run, tuple: string) => {
    const rows = run.split(tuple).length - 1;
    return `${tuple}, … (${rows} rows)`;
  });
}

function shapeOf(value: unknown, depth: number): unknown {
  if (Array.isArray(value)) {
    if (value.length === 0) return [];
    const first = shapeOf(value[0], depth + 1);
    return value.length === 1 ? [first] : [first, `… (${value.length} items)`];
  }
  if (value !== null && typeof value === 'object' && depth < 6) {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>).map(([key, inner]) => [
        key,
        shapeOf(inner, depth + 1),
      ]),
    );
  }
  return '?';
}

/** A Mongo command as JSON with every value `?` and each list as its first entry and a count. */
export function mongoStatement(command: Record<string, unknown>): string {
  return JSON.stringify(shapeOf(command, 0));
}
