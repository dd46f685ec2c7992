import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import type { Listening } from '../../shared/infra/http/listen.js';
import { queueNamesOf } from '../../shared/domain/resources/resource-queues.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { startWorkersWithoutMysql } from '../support/workers-without-mysql.js';

describe('the ops port: Bull Board behind basic auth (spec §6)', () => {
  let pipeline: Pipeline;
  let ops: Listening;
  let auth: Record<string, string>;

  before(async () => {
    pipeline = await startPipeline({ workers: false, config: { JOB_ATTEMPTS: '1' } });
    ops = await startOps(pipeline);
    auth = basicAuthHeader(pipeline.config.board.user, pipeline.config.board.password);
  });
  after(async () => {
    await ops.close();
    await pipeline.stop();
  });

  it('refuses the board without credentials, or with wrong ones', async () => {
    const none = await http('GET', `${ops.url}/admin/queues`);
    expect(none.status).to.equal(401);
    expect(none.headers['www-authenticate']).to.match(/^Basic /);
    const wrong = await http('GET', `${ops.url}/admin/queues/api/queues`, {
      headers: basicAuthHeader('admin', 'guess'),
    });
    expect(wrong.status).to.equal(401);
  });

  it('lists every queue to an operator with credentials', async () => {
    const page = await http('GET', `${ops.url}/admin/queues`, { headers: auth });
    expect(page.status).to.equal(200);
    expect(page.headers['content-type']).to.match(/html/);
    const api = await http('GET', `${ops.url}/admin/queues/api/queues`, { headers: auth });
    const names = (api.body.queues as { name: string }[]).map((q) => q.name).sort();
    // The pipeline's queues are made from this build's registry: each resource's, and the events'.
    expect(names).to.deep.equal(queueNamesOf().sort());
  });

  it('keeps a job that exhausted its retries in the failed set, and retries it on request', async () => {
    // Workers whose MySQL is unreachable: the write fails its only attempt.
    const broken = startWorkersWithoutMysql(pipeline);
    const created = await http('POST', `${pipeline.urls.users}/users`, {
      json: { name: 'Retried' },
    });
    const queue = pipeline.apps.queues.find((q) => q.name === QUEUE_NAMES.persistUsers)!;
    await eventually(
      async () => ((await queue.getJobCounts('failed')).failed === 1 ? true : undefined),
      {
        what: 'the job to fail',
      },
    );
    await broken.close();

    pipeline.startWorkers();
    const retry = await http(
      'PUT',
      `${ops.url}/admin/queues/api/queues/${QUEUE_NAMES.persistUsers}/retry/failed`,
      {
        headers: auth,
      },
    );
    expect(retry.status).to.equal(200);
    const id = created.body.user.id;
    await eventually(
      async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT id FROM users WHERE id = ?',
          [id],
        );
        return rows.length === 1 ? true : undefined;
      },
      { what: 'the retried write in MySQL' },
    );
    expect((await queue.getJobCounts('failed')).failed).to.equal(0);
    // Its dead letter, kept when it failed for good, is marked stored by the retry.
    await eventually(
      async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT stored_at FROM dead_letters WHERE resource = ? AND resource_key = ?',
          ['users', String(id)],
        );
        return rows.length === 1 && rows[0]?.stored_at !== null ? true : undefined;
      },
      { what: 'the dead letter marked stored' },
    );
  });

  it('serves each service’s API docs for browsers, and its own probes', async () => {
    const docs = await http('GET', `${ops.url}/docs/listings/openapi.json`);
    expect(docs.status).to.equal(200);
    expect(Object.keys(docs.body.paths)).to.include('/listings');
    expect((await http('GET', `${ops.url}/docs/listings/`)).text).to.include(
      'swagger-ui-bundle.js',
    );
    expect((await http('GET', `${ops.url}/health`)).status).to.equal(200);
    expect((await http('GET', `${ops.url}/ready`)).status).to.equal(200);
    expect((await http('GET', `${ops.url}/metrics`)).text).to.include('spillway_queue_jobs');
  });
});
