import { expect } from 'chai';
import { Readable } from 'node:stream';
import {
  readBulkItems,
  type BulkFormat,
  type BulkInput,
} from '../../../../../api/http/bulk/bulk-items.js';

/** A body that arrives in the given pieces, split wherever the test says. */
function body(...pieces: string[]): Readable {
  return Readable.from(pieces.map((piece) => Buffer.from(piece)));
}

async function read(format: BulkFormat, source: Readable, maxItemBytes = 1024) {
  const items: BulkInput[] = [];
  try {
    for await (const item of readBulkItems(source, format, { maxItemBytes })) items.push(item);
  } catch (error) {
    return { items, error: error as Error & { status?: number } };
  }
  return { items, error: undefined };
}

describe('readBulkItems: the items of a bulk body as they arrive', () => {
  describe('a JSON array', () => {
    it('yields every element in order, however the bytes are split', async () => {
      const { items, error } = await read('json', body(' [{"name":"a"},{"na', 'me":"b"}', ',3]  '));
      expect(error).to.equal(undefined);
      expect(items).to.deep.equal([
        { index: 0, value: { name: 'a' } },
        { index: 1, value: { name: 'b' } },
        { index: 2, value: 3 },
      ]);
    });

    it('refuses a body that is not an array, an empty one and an unclosed one with a 400', async () => {
      for (const [text, message] of [
        ['{"name":"a"}', 'a JSON bulk body must be an array of items'],
        ['   ', 'the body is empty: send a JSON array of items'],
        ['[{"name":"a"}', 'the JSON array is not closed after item 0'],
      ] as const) {
        const { error } = await read('json', body(text));
        expect(error?.message, text).to.equal(message);
        expect(error?.status).to.equal(400);
      }
    });

    it('answers the items before a syntax error, then stops with a 400 that says where', async () => {
      const { items, error } = await read('json', body('[1,2,{"a":}]'));
      expect(items.map((item) => item.index)).to.deep.equal([0, 1]);
      expect(error?.message).to.match(/^the body is not valid JSON after item 1/);
    });

    it('stops at an item larger than the limit instead of buffering it', async () => {
      const huge = `{"name":"${'x'.repeat(5000)}"}`;
      const pieces = ['[1,', ...huge.match(/.{1,500}/g)!, ']'];
      const { items, error } = await read('json', body(...pieces), 1024);
      expect(items).to.have.length(1);
      expect(error?.message).to.equal('item 1 is larger than 1024 bytes');
    });
  });

  describe('NDJSON', () => {
    it('yields one item per line, skips blank lines, and makes a line that is not JSON that item’s error', async () => {
      const { items, error } = await read(
        'ndjson',
        body('{"a":1}\r\n\n{"a":', '2}\nnope\n{"a":3}'),
      );
      expect(error).to.equal(undefined);
      expect(items).to.deep.equal([
        { index: 0, value: { a: 1 } },
        { index: 1, value: { a: 2 } },
        { index: 2, errors: ['line 4 is not valid JSON'] },
        { index: 3, value: { a: 3 } },
      ]);
    });

    it('makes a whole line longer than the limit that item’s error, and stops at an unfinished one', async () => {
      const long = `"${'x'.repeat(3000)}"`;
      const whole = await read('ndjson', body('{"a":1}\n', `${long}\n`, '{"a":2}\n'), 1024);
      expect(whole.error).to.equal(undefined);
      expect(whole.items[1]).to.deep.equal({
        index: 1,
        errors: ['line 2 is longer than 1024 bytes'],
      });
      expect(whole.items[2]).to.deep.equal({ index: 2, value: { a: 2 } });
      const pieces = long.match(/.{1,700}/g)!;
      const unfinished = await read('ndjson', body('{"a":1}\n', ...pieces), 1024);
      expect(unfinished.error?.message).to.equal(
        'a line is longer than 1024 bytes, so the body was not read further',
      );
      expect(unfinished.error?.status).to.equal(400);
    });
  });
});
