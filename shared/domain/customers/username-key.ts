/** Default-ignorable code points (zero-width spaces and joiners, soft hyphen, variation selectors, …): invisible, so never part of a name. */
const IGNORABLE = /\p{Default_Ignorable_Code_Point}/gu;

/** The longest key MySQL's `username_key` column holds (VARCHAR(255)). */
export const MAX_USERNAME_KEY_LENGTH = 255;

/**
 * The form uniqueness is judged on, after Unicode's rules for identifiers
 * (UAX #31, UTS #39's NFKC_Casefold): default-ignorable code points removed,
 * NFKC (so fullwidth `ａｌｉｃｅ`, ligatures and compatibility forms are their
 * plain letters), then full case folding (`ß` is `ss`, final `ς` is `σ`:
 * upper then lower case, which folds every letter JavaScript knows a case
 * of), then NFKC and the removal again so the result is stable. "Alice",
 * "ＡＬＩＣＥ", "alice\u200b" and "a\u00adlice" are one username. The display
 * form stored and returned is the username as sent; only this key is compared.
 * MySQL's UNIQUE index is on this value (binary collation), and the Redis
 * claims are keyed by it, so both agree on what "the same" means.
 *
 * Not done: UTS #39 confusable skeletons (Cyrillic `а` for Latin `a`): no
 * well-kept npm library computes them, and a skeleton also equates names that
 * differ visibly (`rn` and `m`).
 */
export function usernameKey(username: string): string {
  const once = foldStep(username);
  // One character needs a second step: capital sharp s (U+1E9E) lowers to ß, which folds to ss.
  return foldStep(once);
}

function foldStep(text: string): string {
  const plain = text.replace(IGNORABLE, '').normalize('NFKC');
  return plain.toUpperCase().toLowerCase().normalize('NFKC').replace(IGNORABLE, '');
}

/**
 * Why a username cannot be held, or undefined when it can: its key must have
 * a character (a name of invisible characters only is no name) and fit the
 * key column (NFKC can expand a character up to 18, e.g. U+FDFA).
 */
export function usernameKeyProblem(username: string): string | undefined {
  const key = usernameKey(username);
  if (key.trim() === '') return 'username must have at least one visible character';
  if (key.length > MAX_USERNAME_KEY_LENGTH) {
    return `username is too long once normalized (at most ${MAX_USERNAME_KEY_LENGTH} characters in NFKC, case-folded)`;
  }
  return undefined;
}
