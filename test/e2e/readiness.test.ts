import { expect } from 'chai';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startPrivateMariadb, type PrivateMariadb } from '../support/private-mariadb.js';

/** `spillway_ready` by dependency, as the service's /metrics reports it. */
async function readyGauge(base: string): Promise<Record<string, number>> {
  const { text } = await http('GET', `${base}/metrics`);
  const gauge: Record<string, number> = {};
  for (const [, labels = '', value] of text.matchAll(/^spillway_ready\{([^}]*)\} (\S+)$/gm)) {
    const dependency = /dependency="([^"]+)"/.exec(labels)?.[1];
    if (dependency) gauge[dependency] = Number(value);
  }
  return gauge;
}

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

  it('reports each dependency of the process as spillway_ready 1 on /metrics while it answers', async () => {
    // The process runs every service: its dependencies are all of theirs.
    expect(await readyGauge(pipeline.urls.users)).to.deep.equal({
      redis_queue: 1,
      redis_cache: 1,
      mysql: 1,
      mongo: 1,
    });
  });

  it('turns 503 naming MySQL while MariaDB is stopped, keeps accepting writes, and 200 once it is back', async () => {
    await mariadb.stop();
    const down = await http('GET', `${pipeline.urls.users}/ready`);
    expect(down.status).to.equal(503);
    expect(down.body.checks.mysql).to.equal('down');
    expect(down.body.errors).to.deep.equal(['mysql is not answering']);
    // What the SpillwayNotReady alert reads.
    expect(await readyGauge(pipeline.urls.users)).to.include({ mysql: 0, redis_queue: 1 });
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
    expect((await readyGauge(pipeline.urls.users)).mysql).to.equal(1);
    await eventually(
      async () =>
        (await http('GET', `${pipeline.urls.users}/users/${accepted.body.user.id}`)).status === 200
          ? true
          : undefined,
      { timeoutMs: 30_000, what: 'the write accepted during the outage to be persisted' },
    );
  });
});
