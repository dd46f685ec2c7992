import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPrivateMariadb, type PrivateMariadb } from '../support/private-mariadb.js';

describe('GET /ready when MySQL stops and comes back (its own MariaDB server)', function () {
  this.timeout(90_000);
  let mariadb: PrivateMariadb;
  let pipeline: Pipeline;

  before(async () => {
    mariadb = await startPrivateMariadb();
    pipeline = await startPipeline({ config: { MYSQL_URL: mariadb.url } });
  });
  after(async () => {
    await pipeline?.stop();
    await mariadb?.destroy();
  });

  it('answers 200 while every dependency answers', async () => {
    const ready = await http('GET', `${pipeline.urls.users}/ready`);
    expect(ready.status).to.equal(200);
    // The user service reads MySQL and both Redis; Mongo is the workers' (spec §1: "its" connections).
    expect(ready.body.checks).to.deep.equal({
      redis_queue: 'up',
      redis_cache: 'up',
      mysql: 'up',
    });
  });

  it('turns 503 naming MySQL while MariaDB is stopped, keeps accepting writes, and 200 once it is back', async () => {
    await mariadb.stop();
    const down = await http('GET', `${pipeline.urls.users}/ready`);
    expect(down.status).to.equal(503);
    expect(down.body.checks.mysql).to.equal('down');
    expect(down.body.errors).to.deep.equal(['mysql is not answering']);
    expect((await http('GET', `${pipeline.urls.users}/health`)).status).to.equal(200);
    const accepted = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'during outage' },
    });
    expect(accepted.status).to.equal(202);

    await mariadb.start();
    await eventually(
      async () =>
        (await http('GET', `${pipeline.urls.users}/ready`)).status === 200 ? true : undefined,
      {
        timeoutMs: 20_000,
        what: '/ready to recover',
      },
    );
    await eventually(
      async () =>
        (await http('GET', `${pipeline.urls.users}/users/${accepted.body.user.id}`)).status === 200
          ? true
          : undefined,
      { timeoutMs: 30_000, what: 'the write accepted during the outage to be persisted' },
    );
  });
});
