/**
 * The form uniqueness is judged on: "Alice" and "alice" are one username.
 * NFC first, so the same letters typed as composed or decomposed characters
 * are one username too. MySQL's UNIQUE index is on this value (binary collation),
 * so Redis reservations and MySQL agree on what "the same" means.
 */
export function usernameKey(username: string): string {
  return username.normalize('NFC').toLowerCase();
}
