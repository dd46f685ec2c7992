/** Digits DECIMAL(20,2) holds before the point. */
const MAX_INTEGER_DIGITS = 18;
const DECIMAL = /^(\d+)(?:\.(\d+))?$/;
/** A double carries any decimal of up to 15 significant digits exactly (DBL_DIG). */
const EXACT_DOUBLE_DIGITS = 15;

export type IncomeParse = { ok: true; value: string } | { ok: false; message: string };

function significantDigits(text: string): number {
  return text.replace('.', '').replace(/^0+/, '').replace(/0+$/, '').length;
}

/**
 * Turns a client's income (JSON number or numeric string) into the canonical
 * DECIMAL(20,2) text that MySQL returns, e.g. 100 → "100.00", "0.1" → "0.10".
 * Never rounds: more than 2 decimal places, a negative value, or a JSON number
 * that may already have lost digits in JSON parsing is refused with a message.
 */
export function parseIncome(input: string | number): IncomeParse {
  let text: string;
  if (typeof input === 'number') {
    if (!Number.isFinite(input) || input < 0) return refuse();
    text = String(input);
    // The shortest round-trip text of a double is what the client wrote only up to 15 digits.
    if (!Number.isSafeInteger(input) && significantDigits(text) > EXACT_DOUBLE_DIGITS) {
      return {
        ok: false,
        message: `income has more digits than a JSON number carries exactly: send it as a string, e.g. "${text}"`,
      };
    }
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
