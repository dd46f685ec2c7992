/** Digits DECIMAL(20,2) holds before the point. */
const MAX_INTEGER_DIGITS = 18;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;

export type IncomeParse = { ok: true; value: string } | { ok: false; message: string };

/**
 * Turns a client's income (JSON number or numeric string) into the canonical
 * DECIMAL(20,2) text that MySQL returns, e.g. 100 → "100.00", "0.1" → "0.10".
 * Never rounds: more than 2 decimal places or a negative value is refused
 * with a message. A JSON number is read as the decimal its shortest text
 * writes: the HTTP layer keeps a literal that a double would round (e.g.
 * 0.10000000000000001) as its text (shared/infra/validation/exact-json.ts), so that
 * text is what the client sent and its digits are judged, not the double's.
 */
export function parseIncome(input: string | number): IncomeParse {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return refuse();
    text = String(input);
  } else {
    text = input;
  }
  const match = DECIMAL.exec(text);
  if (!match) return refuse();
  const integer = match[1]!.replace(/^0+(?=\d)/, '');
  const fraction = match[2] ?? '';
  if (integer.length > MAX_INTEGER_DIGITS || fraction.length > 2) return refuse();
  return { ok: true, value: `${integer}.${fraction.padEnd(2, '0')}` };
}

function refuse(): IncomeParse {
  return {
    ok: false,
    message:
      'income must be a non-negative decimal with at most 18 digits before the point and 2 after, e.g. "12345.67"',
  };
}
