import { expect } from 'chai';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const NDJSON_TYPE = { 'content-type': 'application/x-ndjson' };

describe('customers at the edge (issue 31): exact income', () => {
  let pipeline: Pipeline;
  let base: string;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline({ workers: false });
    base = pipeline.urls.customers;
  });
  after(() => pipeline.stop());

  /** A create body as raw JSON text, so the income's digits reach the server as written. */
  const rawCustomer = (income: string) =>
    `{"username":"${unique('exact')}","address":"1 Main St","income":${income}}`;

  describe('item 7: a JSON number with more digits than the decimal scale is refused, never rounded', () => {
    it('POST /customers and PUT /customer: 0.10000000000000001 is a 400 naming income', async () => {
      for (const [method, path] of [
        ['POST', '/customers'],
        ['PUT', '/customer'],
      ] as const) {
        const answer = await http(method, `${base}${path}`, {
          raw: rawCustomer('0.10000000000000001'),
          headers: JSON_TYPE,
        });
        expect(answer.status, `${method} ${path}: ${answer.text}`).to.equal(400);
        expect(answer.body.errors.join(' '), path).to.match(/income/);
      }
    });

    it('bulk intake, JSON array and NDJSON: that item is a 400, the exact ones are accepted', async () => {
      const items = [
        rawCustomer('0.10000000000000001'),
        rawCustomer('0.1'),
        rawCustomer('12345.67'),
      ];
      const array = await http('POST', `${base}/customers/bulk`, {
        raw: `[${items.join(',')}]`,
        headers: JSON_TYPE,
      });
      const lines = await http('POST', `${base}/customers/bulk`, {
        raw: items.map((item) => item.replace(/exact-[^"]+/, unique('exact'))).join('\n'),
        headers: NDJSON_TYPE,
      });
      expect(array.status, array.text).to.equal(207);
      expect(array.body.items.map((i: { status: number }) => i.status)).to.deep.equal([
        400, 202, 202,
      ]);
      expect(array.body.items[1].customer.income).to.equal('0.10');
      const results = lines.text
        .trim()
        .split('\n')
        .map((line) => JSON.parse(line) as { status?: number });
      expect(results.slice(0, 3).map((r) => r.status)).to.deep.equal([400, 202, 202]);
    });

    it('numbers a double holds exactly still work: 0.1 → "0.10", 12345.67, 1e2 → "100.00"', async () => {
      for (const [income, stored] of [
        ['0.1', '0.10'],
        ['12345.67', '12345.67'],
        ['1e2', '100.00'],
      ]) {
        const answer = await http('POST', `${base}/customers`, {
          raw: rawCustomer(income!),
          headers: JSON_TYPE,
        });
        expect(answer.status, answer.text).to.equal(202);
        expect(answer.body.customer.income).to.equal(stored);
      }
    });
  });
});
