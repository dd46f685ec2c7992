import { expect } from 'chai';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import type { Listening } from '../../shared/infra/http/listen.js';
import { http } from '../support/http.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const VIEWER = { user: 'watcher', password: 'viewer-password-123' };

describe('the ops port: Bull Board has a read-only role beside the full one (issue 31 item 6)', () => {
  let pipeline: Pipeline;
  let ops: Listening;
  let admin: Record<string, string>;
  const viewer = basicAuthHeader(VIEWER.user, VIEWER.password);
  const queueApi = () => `${ops.url}/admin/queues/api/queues`;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { BOARD_VIEWER_USER: VIEWER.user, BOARD_VIEWER_PASSWORD: VIEWER.password },
    });
    ops = await startOps(pipeline);
    admin = basicAuthHeader(pipeline.config.board.user, pipeline.config.board.password);
  });
  after(async () => {
    await ops.close();
    await pipeline.stop();
  });

  it('the viewer sees the board and every queue', async () => {
    expect((await http('GET', `${ops.url}/admin/queues`, { headers: viewer })).status).to.equal(
      200,
    );
    const queues = await http('GET', queueApi(), { headers: viewer });
    expect(queues.status).to.equal(200);
    expect((queues.body.queues as { name: string }[]).map((q) => q.name)).to.include(
      QUEUE_NAMES.persistUsers,
    );
  });

  it('the viewer cannot retry, clean, pause or add jobs (403); the full role can', async () => {
    const queue = `${queueApi()}/${QUEUE_NAMES.persistUsers}`;
    const changes: [string, string][] = [
      ['PUT', `${queue}/retry/failed`],
      ['PUT', `${queue}/clean/completed`],
      ['PUT', `${queue}/pause`],
      ['POST', `${queue}/add`],
    ];
    for (const [method, url] of changes) {
      const refused = await http(method, url, { headers: viewer, json: {} });
      expect(refused.status, `${method} ${url}`).to.equal(403);
    }
    const retried = await http('PUT', `${queue}/retry/failed`, { headers: admin });
    expect(retried.status).to.equal(200);
    // Wrong credentials stay a 401 for either role's name.
    const wrong = await http('GET', queueApi(), {
      headers: basicAuthHeader(VIEWER.user, 'guess'),
    });
    expect(wrong.status).to.equal(401);
  });
});
