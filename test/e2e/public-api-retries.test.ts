import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { startCountingProxy, type CountingProxy } from '../support/counting-proxy.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPublicApi, type PublicApi } from '../support/public-api.js';

describe('public API: a retry after an upstream time-out stores the write once (issue 31 item 5)', () => {
  let pipeline: Pipeline;
  let users: CountingProxy;
  let api: PublicApi;

  before(async () => {
    pipeline = await startPipeline();
    users = await startCountingProxy(pipeline.urls.users);
    api = await startPublicApi(pipeline, { USERS_BASE_URL: users.url, UPSTREAM_TIMEOUT_MS: '500' });
  });
  after(async () => {
    await api.close();
    await users.close();
    await pipeline.stop();
  });

  async function rowsNamed(name: string): Promise<{ id: number }[]> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id FROM users WHERE name = ?',
      [name],
    );
    return rows.map((row) => ({ id: Number(row.id) }));
  }

  for (const withKey of [false, true]) {
    it(`${withKey ? 'with' : 'without'} the client's Idempotency-Key: the 503 says the write may be queued and names the key; the retry under it is the same user`, async () => {
      const name = `Retry ${withKey ? 'keyed' : 'unkeyed'} ${Date.now()}`;
      // The user service takes the write and answers after the public API gave up on it.
      users.delayAnswers(1500);
      const first = await http('POST', `${api.url}/public-api/users`, {
        json: { name },
        headers: withKey ? { 'Idempotency-Key': `client-${Date.now()}` } : {},
      });
      users.delayAnswers(0);
      expect(first.status, first.text).to.equal(503);
      const message = (first.body.errors as string[]).join(' ');
      expect(message).to.match(/may have been queued/);
      const key = /Idempotency-Key: (\S+) and/.exec(message)?.[1];
      expect(key, message).to.be.a('string');
      await eventually(async () => ((await rowsNamed(name)).length === 1 ? true : undefined), {
        what: 'the first attempt to be stored, although its answer was lost',
      });

      const retry = await http('POST', `${api.url}/public-api/users`, {
        json: { name },
        headers: { 'Idempotency-Key': key! },
      });
      expect(retry.status, retry.text).to.equal(202);
      // The retry is the first write, answered again: its user is the stored one, stored once.
      const id = Number(retry.body.user.id);
      await eventually(
        async () => ((await rowsNamed(name)).some((row) => row.id === id) ? true : undefined),
        { what: 'the retry’s user to be stored' },
      );
      expect(await rowsNamed(name)).to.deep.equal([{ id }]);
    });
  }
});
