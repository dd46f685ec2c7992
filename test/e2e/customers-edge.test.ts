import { expect } from 'chai';
import { randomUUID } from 'node:crypto';
import type { RowDataPacket } from 'mysql2/promise';
import { up as foldUsernames } from '../../shared/domain/mysql/migrations/006_fold_usernames_nfkc.js';
import type { MigrationDb } from '../../shared/domain/repositories/schema-migrations.repository.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const JSON_TYPE = { 'content-type': 'application/json' };
const NDJSON_TYPE = { 'content-type': 'application/x-ndjson' };

describe('customers at the edge (issue 31): exact income, usernames compared as Unicode says', () => {
  let pipeline: Pipeline;
  let base: string;
  let counter = 0;
  const unique = (stem: string) => `${stem}-${Date.now().toString(36)}-${(counter += 1)}`;

  before(async () => {
    pipeline = await startPipeline();
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

  describe('item 3: usernames compared under NFKC, case folding, without invisible characters', () => {
    const variants = (name: string) => [
      name.replace(/[a-z]/g, (c) => String.fromCodePoint(c.codePointAt(0)! - 0x61 + 0xff41)),
      `${name}\u200b`,
      `\u2060${name.toUpperCase()}`,
      `${name.slice(0, 1)}\u00ad${name.slice(1)}`,
    ];

    it('PUT /customer, POST /customers and bulk: fullwidth, zero-width and soft-hyphen variants are 409', async () => {
      const name = unique('alice').replace(/[^a-z]/g, '');
      const first = await http('PUT', `${base}/customer`, {
        json: { username: name, address: '1 Main St', income: '1.00' },
      });
      expect(first.status, first.text).to.be.oneOf([201, 202]);
      for (const username of variants(name)) {
        for (const [method, path] of [
          ['PUT', '/customer'],
          ['POST', '/customers'],
        ] as const) {
          const answer = await http(method, `${base}${path}`, {
            json: { username, address: '2 Side St', income: '1.00' },
          });
          expect(answer.status, `${method} ${JSON.stringify(username)}: ${answer.text}`).to.equal(
            409,
          );
        }
      }
      const bulk = await http('POST', `${base}/customers/bulk`, {
        json: variants(name).map((username) => ({ username, address: 'a', income: '1' })),
      });
      expect(bulk.body.items.map((i: { status: number }) => i.status)).to.deep.equal([
        409, 409, 409, 409,
      ]);
    });

    it('the display form is stored as sent; a name of invisible characters only is a 400', async () => {
      const username = `Ｓｔｒａßｅ-${randomUUID().slice(0, 8)}`;
      const answer = await http('POST', `${base}/customers`, {
        json: { username, address: 'a', income: '1' },
        headers: { Prefer: 'wait=10' },
      });
      expect(answer.status, answer.text).to.equal(201);
      expect(answer.body.customer.username).to.equal(username);
      const invisible = await http('POST', `${base}/customers`, {
        json: { username: '\u200b\u200d', address: 'a', income: '1' },
      });
      expect(invisible.status).to.equal(400);
      expect(invisible.body.errors.join(' ')).to.match(/visible character/);
      const expanding = await http('POST', `${base}/customers`, {
        json: { username: '\ufdfa'.repeat(20), address: 'a', income: '1' },
      });
      expect(expanding.status).to.equal(400);
      expect(expanding.body.errors.join(' ')).to.match(/too long once normalized/);
    });

    it('migration 006 re-keys old rows, reports collisions, and every colliding row keeps working', async () => {
      const { mysql } = pipeline.connections;
      const stem = unique('carol').replace(/[^a-z]/g, '');
      const fullwidth = variants(stem)[0]!;
      // Rows as the old fold (NFC, lower case) keyed them: three names that are one name now.
      const rows = [
        { uuid: randomUUID(), username: fullwidth, key: fullwidth, created: 1 },
        { uuid: randomUUID(), username: stem, key: stem, created: 2 },
        { uuid: randomUUID(), username: `${stem}\u200b`, key: `${stem}\u200b`, created: 3 },
        {
          uuid: randomUUID(),
          username: `Stra\u00dfe${stem}`,
          key: `stra\u00dfe${stem}`,
          created: 4,
        },
      ];
      await mysql.query(
        `INSERT INTO customers (uuid, username, username_key, address, income, created_at, updated_at)
         VALUES ?`,
        [rows.map((r) => [r.uuid, r.username, r.key, 'old', '1.00', r.created, r.created])],
      );
      const db: MigrationDb = {
        async query(sql, params = []) {
          const [result] = await mysql.query<RowDataPacket[]>(sql, [...params]);
          return result;
        },
      };
      const report = await foldUsernames(db);
      const mine = report.collisions.filter((c) => c.key === stem);
      expect(mine).to.deep.equal([
        {
          key: stem,
          kept: { uuid: rows[0]!.uuid, username: fullwidth },
          setAside: [
            { uuid: rows[1]!.uuid, username: stem },
            { uuid: rows[2]!.uuid, username: `${stem}\u200b` },
          ],
        },
      ]);
      const [keys] = await mysql.query<RowDataPacket[]>(
        'SELECT uuid, username_key FROM customers WHERE uuid IN (?) ORDER BY created_at',
        [rows.map((r) => r.uuid)],
      );
      expect(keys.map((k) => k.username_key)).to.deep.equal([
        stem,
        `\u200b${rows[1]!.uuid}`,
        `\u200b${rows[2]!.uuid}`,
        `strasse${stem}`,
      ]);
      // A second run finds nothing left to do.
      expect((await foldUsernames(db)).collisions.filter((c) => c.key === stem)).to.deep.equal([]);
      // The name is held: a new claim in any form is refused, at the API.
      const claim = await http('POST', `${base}/customers`, {
        json: { username: stem.toUpperCase(), address: 'a', income: '1' },
      });
      expect(claim.status).to.equal(409);
      // A set-aside customer keeps working: read, updated (keeping its own key), deleted.
      const aside = rows[1]!.uuid;
      expect((await http('GET', `${base}/customers/${aside}`)).body.customer.username).to.equal(
        stem,
      );
      const patch = await http('PATCH', `${base}/customers/${aside}`, {
        json: { address: 'new' },
        headers: { Prefer: 'wait=10' },
      });
      expect(patch.status, patch.text).to.equal(201);
      const [after] = await mysql.query<RowDataPacket[]>(
        'SELECT address, username_key, version FROM customers WHERE uuid = ?',
        [aside],
      );
      expect(after[0]).to.include({ address: 'new', username_key: `\u200b${aside}` });
      const removed = await http('DELETE', `${base}/customers/${aside}`, {
        headers: { Prefer: 'wait=10' },
      });
      expect(removed.status, removed.text).to.be.oneOf([200, 201, 204]);
      await eventually(
        async () => {
          const [gone] = await mysql.query<RowDataPacket[]>(
            'SELECT deleted, username_key FROM customers WHERE uuid = ?',
            [aside],
          );
          return Number(gone[0]?.deleted) === 1 && gone[0]?.username_key === null
            ? true
            : undefined;
        },
        { what: 'the set-aside customer to be deleted' },
      );
    });
  });
});
