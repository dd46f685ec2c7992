import type { Readable } from 'node:stream';
import { TokenParser } from '@streamparser/json';
import split2 from 'split2';
import { AppError } from '../../../shared/domain/errors/index.js';
import {
  ExactNumberTokenizer,
  hasInexactNumber,
  parseExactJson,
} from '../../../shared/infra/validation/exact-json.js';

/** The two bodies bulk intake reads: one JSON array, or one JSON object per line. */
export type BulkFormat = 'json' | 'ndjson';

/** One item of a bulk body, in input order: its value, or why it could not be read. */
export type BulkInput =
  | { readonly index: number; readonly value: unknown }
  | { readonly index: number; readonly errors: readonly string[] };

export interface BulkReadLimits {
  /** Bytes one item may take: a guard against one huge item filling memory. */
  readonly maxItemBytes: number;
}

function badBody(message: string): AppError {
  return new AppError(message, { code: 'BAD_BULK_BODY', status: 400, expose: true });
}

const WHITESPACE = new Set([0x20, 0x09, 0x0a, 0x0d, 0xef, 0xbb, 0xbf]);

/**
 * The streaming parser of a JSON array body: @streamparser/json's tokenizer
 * and token parser, wired as its JSONParser wires them, but with numbers kept
 * as written when a double would round them (shared/infra/validation/exact-json.ts).
 */
function arrayParser(onItem: (value: unknown) => void) {
  const tokenizer = new ExactNumberTokenizer();
  const tokens = new TokenParser({ paths: ['$.*'], keepStack: false });
  tokenizer.onToken = tokens.write.bind(tokens);
  tokenizer.onEnd = () => {
    if (!tokens.isEnded) tokens.end();
  };
  tokens.onError = tokenizer.error.bind(tokenizer);
  tokens.onEnd = () => {
    if (!tokenizer.isEnded) tokenizer.end();
  };
  tokens.onValue = ({ value }) => onItem(value);
  return {
    write: (chunk: Buffer) => tokenizer.write(chunk),
    get isEnded() {
      return tokenizer.isEnded && tokens.isEnded;
    },
  };
}

/**
 * Elements of one top-level JSON array, parsed as the bytes arrive
 * (@streamparser/json, keeping no emitted element). A syntax error ends the
 * body: nothing after it can be told apart, so it is a 400 for the request.
 */
async function* jsonArrayItems(
  source: Readable,
  limits: BulkReadLimits,
): AsyncGenerator<BulkInput> {
  let ready: unknown[] = [];
  let index = 0;
  let bytesSinceItem = 0;
  let sawStart = false;
  const parser = arrayParser((value) => {
    ready.push(value);
    bytesSinceItem = 0;
  });
  const where = (pending = 0) => {
    const done = index + pending;
    return done === 0 ? 'before the first item' : `after item ${done - 1}`;
  };
  for await (const chunk of source as AsyncIterable<Buffer>) {
    if (!sawStart) {
      const first = chunk.findIndex((byte) => !WHITESPACE.has(byte));
      if (first === -1) continue;
      if (chunk[first] !== 0x5b) throw badBody('a JSON bulk body must be an array of items');
      sawStart = true;
    }
    bytesSinceItem += chunk.length;
    let broken: AppError | undefined;
    try {
      parser.write(chunk);
    } catch (error) {
      broken = badBody(
        `the body is not valid JSON ${where(ready.length)}: ${(error as Error).message}`,
      );
    }
    if (!broken && bytesSinceItem > limits.maxItemBytes + chunk.length) {
      broken = badBody(`item ${index + ready.length} is larger than ${limits.maxItemBytes} bytes`);
    }
    // The items completed before a break are still answered.
    const values = ready;
    ready = [];
    for (const value of values) yield { index: index++, value };
    if (broken) throw broken;
  }
  if (!sawStart) throw badBody('the body is empty: send a JSON array of items');
  if (!parser.isEnded) throw badBody(`the JSON array is not closed ${where()}`);
}

/**
 * One JSON value per line (split2, each line bounded; blank lines skipped).
 * A line that is not JSON is that item's 400; the others go on.
 */
async function* ndjsonItems(source: Readable, limits: BulkReadLimits): AsyncGenerator<BulkInput> {
  const lines = source.pipe(
    split2(/\r?\n/, (line: string) => line, { maxLength: limits.maxItemBytes }),
  );
  source.once('error', (error) => lines.destroy(error));
  let index = 0;
  let line = 0;
  try {
    for await (const text of lines as AsyncIterable<string>) {
      line += 1;
      if (text.trim() === '') continue;
      let input: BulkInput;
      if (text.length > limits.maxItemBytes) {
        // split2 bounds only a line still unfinished; a long whole line is refused here.
        input = { index, errors: [`line ${line} is longer than ${limits.maxItemBytes} bytes`] };
      } else {
        try {
          // Numbers a double would round are kept as written (exact-json.ts).
          const value: unknown = hasInexactNumber(text) ? parseExactJson(text) : JSON.parse(text);
          input = { index, value };
        } catch {
          input = { index, errors: [`line ${line} is not valid JSON`] };
        }
      }
      index += 1;
      yield input;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    if (/maximum buffer/i.test((error as Error).message)) {
      throw badBody(
        `a line is longer than ${limits.maxItemBytes} bytes, so the body was not read further`,
      );
    }
    throw error;
  }
}

/**
 * The items of a bulk body as they arrive, never the whole body: a JSON array
 * or NDJSON. Throws a 400 for a body that cannot be read on (the items before
 * it were already yielded), and passes on the stream's own errors (413, early end).
 */
export function readBulkItems(
  source: Readable,
  format: BulkFormat,
  limits: BulkReadLimits,
): AsyncGenerator<BulkInput> {
  return format === 'json' ? jsonArrayItems(source, limits) : ndjsonItems(source, limits);
}
