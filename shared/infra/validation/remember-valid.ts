/** Frozen all the way down: a remembered value is shared by every request that sends its key. */
function deepFreeze<T>(value: T): Readonly<T> {
  if (value !== null && typeof value === 'object' && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const inner of Object.values(value)) deepFreeze(inner);
  }
  return value;
}

/**
 * Remembers what a validator made of each input, by a string key the input is
 * a pure function of (a query string, a path parameter): the hot read path
 * repeats a few of them (`page_num=1`) and need not parse and validate them
 * again. Only valid inputs are kept (an invalid one throws every time, as
 * before); results are frozen, since callers share them; the memory is bounded
 * (emptied when `max` keys are held), so odd inputs cannot grow it.
 */
export function rememberValid<T extends object>(
  validate: (input: unknown) => T,
  max = 1_000,
): (key: string, input: () => unknown) => Readonly<T> {
  const seen = new Map<string, Readonly<T>>();
  return (key, input) => {
    let value = seen.get(key);
    if (value === undefined) {
      value = deepFreeze(validate(input()));
      if (seen.size >= max) seen.clear();
      seen.set(key, value);
    }
    return value;
  };
}
