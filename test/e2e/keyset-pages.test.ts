import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

/** The `after=` path of a Link rel="next" header, or undefined on the last page. */
function nextOf(link: string | undefined): string | undefined {
  return /^<([^>]+)>; rel="next"$/.exec(link ?? '')?.[1];
}

describe('keyset pagination beside page_num, and MAX_PAGE_OFFSET (issue 31 item 8)', () => {
  let pipeline: Pipeline;

  before(async () => {
    pipeline = await startPipeline({ config: { MAX_PAGE_OFFSET: '20' } });
  });
  after(() => pipeline.stop());

  /** Every item of a list, following Link rel="next" from `first`; checks each page's size. */
  async function walk(base: string, first: string, field: string) {
    const seen: { id: number | string }[] = [];
    let next: string | undefined = first;
    let pages = 0;
    while (next !== undefined) {
      const answer = await http('GET', `${base}${next}`);
      expect(answer.status, `${next}: ${answer.text}`).to.equal(200);
      seen.push(...(answer.body[field] as { id: number }[]));
      next = nextOf(answer.headers.link);
      pages += 1;
      expect(pages).to.be.below(20);
    }
    return seen;
  }

  it('GET /users, /listings and /public-api/listings: the cursor walks every item once, in page order', async () => {
    const users = await http('POST', `${pipeline.urls.users}/users/bulk`, {
      json: Array.from({ length: 25 }, (_, i) => ({ name: `Keyset ${i}` })),
      headers: { Prefer: 'wait=20' },
    });
    expect(users.status, users.text).to.equal(201);
    const userId = users.body.items[0].user.id as number;
    const listings = await http('POST', `${pipeline.urls.listings}/listings/bulk`, {
      json: Array.from({ length: 23 }, (_, i) => ({
        user_id: userId,
        listing_type: 'rent',
        price: 100 + i,
      })),
      headers: { Prefer: 'wait=20' },
    });
    expect(listings.status, listings.text).to.equal(201);
    for (const [base, path, field, total] of [
      [pipeline.urls.users, '/users', 'users', 25],
      [pipeline.urls.listings, '/listings', 'listings', 23],
      [pipeline.urls.listings, `/listings?user_id=${userId}`, 'listings', 23],
      [pipeline.urls.public, '/public-api/listings', 'listings', 23],
    ] as const) {
      const separator = path.includes('?') ? '&' : '?';
      const walked = await walk(base, `${path}${separator}page_size=10`, field);
      expect(walked, path).to.have.length(total);
      // The same items, in the same order, as the numbered pages the bound allows.
      const numbered = [];
      for (const num of [1, 2, 3]) {
        const page = await http('GET', `${base}${path}${separator}page_size=10&page_num=${num}`);
        numbered.push(...(page.body[field] as { id: number }[]));
      }
      expect(
        walked.map((item) => item.id),
        path,
      ).to.deep.equal(numbered.map((item) => item.id));
    }
  });

  it('GET /customers, /orders, /people and /people/age: the same, each by its own order', async () => {
    const bulk = async (base: string, path: string, items: unknown[]) => {
      const answer = await http('POST', `${base}${path}/bulk`, {
        json: items,
        headers: { Prefer: 'wait=20' },
      });
      expect(answer.status, `${path}: ${answer.text}`).to.equal(201);
    };
    await bulk(
      pipeline.urls.customers,
      '/customers',
      Array.from({ length: 24 }, (_, i) => ({ username: `keyset-${i}`, address: 'a', income: i })),
    );
    await bulk(
      pipeline.urls.orders,
      '/orders',
      Array.from({ length: 22 }, (_, i) => ({
        vehicle_manufacturer: 'Saab',
        model: `9-${i}`,
        total_price: 1000 + i,
      })),
    );
    // Ages with ties and blanks: the age order has to break ties by id and put blanks last.
    await bulk(
      pipeline.urls.people,
      '/people',
      Array.from({ length: 26 }, (_, i) => ({
        first: 'Key',
        last: `Set${i}`,
        ...(i % 5 === 0 ? {} : { age: i % 4 }),
      })),
    );
    for (const [base, path, field] of [
      [pipeline.urls.customers, '/customers', 'customers'],
      [pipeline.urls.orders, '/orders', 'orders'],
      [pipeline.urls.people, '/people', 'people'],
      [pipeline.urls.people, '/people/age', 'people'],
    ] as const) {
      const walked = await walk(base, `${path}?page_size=10`, field);
      const numbered = [];
      for (const num of [1, 2, 3]) {
        const page = await http('GET', `${base}${path}?page_size=10&page_num=${num}`);
        numbered.push(...(page.body[field] as object[]));
      }
      const keyOf = (item: object) => JSON.stringify(item);
      expect(walked.length, path).to.be.at.least(22);
      expect(walked.slice(0, numbered.length).map(keyOf), path).to.deep.equal(numbered.map(keyOf));
      expect(new Set(walked.map(keyOf)).size, `${path}: each item once`).to.equal(walked.length);
    }
    const byAge = await walk(pipeline.urls.people, '/people/age?page_size=7', 'people');
    const ages = (byAge as unknown as { age: number | null }[]).map((p) => p.age ?? 1000);
    expect(ages).to.deep.equal([...ages].sort((a, b) => a - b));
  });

  it('GET /customers/{uuid}/events: versions 1..n in order through the cursor', async () => {
    const base = pipeline.urls.customers;
    const created = await http('POST', `${base}/customers`, {
      json: { username: 'keyset-events', address: 'v1', income: 1 },
      headers: { Prefer: 'wait=10' },
    });
    expect(created.status, created.text).to.equal(201);
    const uuid = created.body.customer.uuid as string;
    for (let v = 2; v <= 10; v += 1) {
      const patch = await http('PATCH', `${base}/customers/${uuid}`, {
        json: { address: `v${v}` },
        headers: { Prefer: 'wait=10' },
      });
      expect(patch.status, patch.text).to.equal(201);
    }
    const events = await walk(base, `/customers/${uuid}/events?page_size=4`, 'events');
    expect(events.map((e) => (e as unknown as { version: number }).version)).to.deep.equal([
      1, 2, 3, 4, 5, 6, 7, 8, 9, 10,
    ]);
    const deep = await http('GET', `${base}/customers/${uuid}/events?page_num=7&page_size=4`);
    expect(deep.status).to.equal(400);
    expect(deep.body.errors.join(' ')).to.match(/after=<cursor>/);
  });

  it('an index serves /people/age: no sort of the table for a page', async () => {
    const [plan] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'EXPLAIN SELECT id FROM people ORDER BY age_order, id LIMIT 10',
    );
    expect(String(plan[0]?.Extra ?? '')).to.not.match(/filesort/i);
    expect(plan[0]?.key).to.equal('people_by_age_order');
  });

  it('a page number past MAX_PAGE_OFFSET is a 400 pointing to the cursor; a broken cursor is a 400', async () => {
    for (const base of [
      `${pipeline.urls.users}/users`,
      `${pipeline.urls.listings}/listings`,
      `${pipeline.urls.public}/public-api/listings`,
      `${pipeline.urls.customers}/customers`,
      `${pipeline.urls.orders}/orders`,
      `${pipeline.urls.people}/people`,
      `${pipeline.urls.people}/people/age`,
    ]) {
      const deep = await http('GET', `${base}?page_num=4&page_size=10`);
      expect(deep.status, base).to.equal(400);
      expect(deep.body.errors.join(' '), base).to.match(/MAX_PAGE_OFFSET.*after=<cursor>/);
      expect((await http('GET', `${base}?page_num=3&page_size=10`)).status, base).to.equal(200);
      const broken = await http('GET', `${base}?after=bm90LWEtY3Vyc29y`);
      expect(broken.status, base).to.equal(400);
      expect(broken.body.errors.join(' '), base).to.match(/invalid after/);
    }
  });
});
