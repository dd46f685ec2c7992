/**
 * Builds one multi-row `INSERT … ON DUPLICATE KEY UPDATE` that only lets a row
 * with a higher `version` replace the stored one. Replaying the same write is a
 * no-op; a late, older write never overwrites newer data.
 *
 * `VALUES(col)` is used (not the `AS new` alias) because MariaDB lacks the alias
 * syntax; MySQL 8 still accepts it.
 */
export function buildVersionedUpsert(
  table: string,
  columns: readonly string[],
  mutableColumns: readonly string[],
  rowCount: number,
): string {
  const quoted = (name: string): string => `\`${name}\``;
  const placeholders = `(${[...columns, 'version'].map(() => '?').join(', ')})`;
  const updates = mutableColumns.map(
    (column) =>
      `${quoted(column)} = IF(VALUES(version) > version, VALUES(${quoted(column)}), ${quoted(column)})`,
  );
  // `version` must be assigned last: earlier assignments compare against the old value.
  updates.push('version = GREATEST(version, VALUES(version))');
  return (
    `INSERT INTO ${quoted(table)} (${[...columns, 'version'].map(quoted).join(', ')}) VALUES ` +
    Array.from({ length: rowCount }, () => placeholders).join(', ') +
    ` ON DUPLICATE KEY UPDATE ${updates.join(', ')}`
  );
}
