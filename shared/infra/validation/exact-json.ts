import { TokenParser, Tokenizer, type TokenizerOptions } from '@streamparser/json';

/**
 * JSON numbers as the client wrote them. `JSON.parse` turns every number
 * literal into the nearest double, so `0.10000000000000001` arrives as `0.1`
 * and a precision check made afterwards cannot see the digits that were lost
 * (issue 31: an income of 0.10000000000000001 was stored as 0.10). A literal
 * whose value is not exactly the double it parses to is kept as its text
 * instead: fields that take a decimal string (income) then judge the digits
 * the client sent, and numeric fields read the text as a number, as they
 * read any numeric JSON string, so nothing else changes.
 */

const NUMBER = /^-?(0|[1-9]\d*)(?:\.(\d+))?(?:[eE]([+-]?\d+))?$/;

/** The exact decimal value of a JSON number literal: its digits without zeros at either end, and where the point goes. */
function decimalValue(literal: string): string | undefined {
  const match = NUMBER.exec(literal);
  if (!match) return undefined;
  const sign = literal.startsWith('-') ? '-' : '';
  const digits = `${match[1]}${match[2] ?? ''}`;
  const exponent = Number(match[3] ?? 0) - (match[2]?.length ?? 0);
  const leading = digits.length - digits.replace(/^0+/, '').length;
  const significant = digits.slice(leading).replace(/0+$/, '');
  if (significant === '') return '0';
  // The value is significant × 10^(point): the point counted from the last significant digit.
  const point = exponent + (digits.length - leading - significant.length);
  return `${sign}${significant}e${point}`;
}

/**
 * The value of one JSON number literal: the double when it holds exactly the
 * decimal the literal wrote (as its shortest text shows: `0.1`, `1e2`,
 * `100.50`), else the literal itself as a string.
 */
export function exactJsonNumber(literal: string): number | string {
  const value = Number(literal);
  if (!Number.isFinite(value)) return literal;
  const written = decimalValue(literal);
  // A double's shortest round-trip text is a JSON number literal too (or Infinity, excluded above).
  return written !== undefined && written === decimalValue(String(value)) ? value : literal;
}

/**
 * Whether a JSON text has a number literal that `JSON.parse` would not keep
 * exactly. One pass over the text, skipping strings: cheap enough to run on
 * every JSON body before deciding to parse it again.
 */
export function hasInexactNumber(text: string): boolean {
  let i = 0;
  while (i < text.length) {
    const c = text.charCodeAt(i);
    if (c === 0x22) {
      // A string: skip to its closing quote, over escapes.
      i += 1;
      while (i < text.length && text.charCodeAt(i) !== 0x22)
        i += text.charCodeAt(i) === 0x5c ? 2 : 1;
      i += 1;
    } else if (c === 0x2d || (c >= 0x30 && c <= 0x39)) {
      let end = i + 1;
      while (end < text.length && /[0-9eE.+-]/.test(text[end]!)) end += 1;
      if (typeof exactJsonNumber(text.slice(i, end)) === 'string') return true;
      i = end;
    } else {
      i += 1;
    }
  }
  return false;
}

/** A tokenizer whose numbers are `exactJsonNumber`s. */
export class ExactNumberTokenizer extends Tokenizer {
  constructor(options?: TokenizerOptions) {
    super(options);
  }

  protected override parseNumber(literal: string): number {
    // The token parser stores whatever this returns; a string keeps the literal.
    return exactJsonNumber(literal) as number;
  }
}

/**
 * `JSON.parse` for a text that has inexact numbers: the same value, with
 * those numbers as their literal text. Iterative (a streaming tokenizer), so
 * no nesting overflows the stack. Throws a SyntaxError on invalid JSON.
 */
export function parseExactJson(text: string): unknown {
  const tokenizer = new ExactNumberTokenizer();
  const parser = new TokenParser({ paths: ['$'], keepStack: false });
  let result: unknown;
  let done = false;
  tokenizer.onToken = parser.write.bind(parser);
  parser.onValue = ({ value }) => {
    result = value;
    done = true;
  };
  try {
    tokenizer.write(text);
    tokenizer.end();
  } catch (error) {
    throw new SyntaxError(`invalid JSON: ${(error as Error).message}`);
  }
  if (!done) throw new SyntaxError('invalid JSON: the text ends before its value');
  return result;
}
