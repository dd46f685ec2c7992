import { expect } from 'chai';
import type { Listening } from '../../shared/infra/http/listen.js';
import {
  nodeHttpClient,
  undiciClient,
  type KeepAliveClient,
  type KeepAliveRequest,
} from '../support/keep-alive-clients.js';
import { BOARD_PATH } from '../../api/ops/ops.app.js';
import { basicAuthHeader, startOps } from '../support/ops.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';

const TOKEN = 'keep-alive-service-token-0123456789';
const WITH_TOKEN = { authorization: `Bearer ${TOKEN}` };
const JSON_TYPE = { 'content-type': 'application/json' };
/** Well over the 64 kB body limit, and over what a socket buffers before it stops reading. */
const OVERSIZED = JSON.stringify({ name: 'x'.repeat(400 * 1024) });
const ANSWER_WITHIN_MS = 1_000;

/** A request and the status it must get. */
type Step = readonly [KeepAliveRequest, number];

/** Early answers of every kind on the user service (service token on), mixed with valid ones. */
const userSteps: readonly Step[] = [
  [{ method: 'GET', path: '/users', headers: WITH_TOKEN }, 200],
  [
    { method: 'POST', path: '/users', headers: { ...WITH_TOKEN, ...JSON_TYPE }, body: OVERSIZED },
    413,
  ],
  [
    {
      method: 'POST',
      path: '/users',
      headers: { ...WITH_TOKEN, ...JSON_TYPE },
      body: OVERSIZED,
      chunked: true,
    },
    413,
  ],
  [
    { method: 'POST', path: '/users', headers: { ...WITH_TOKEN, ...JSON_TYPE }, body: '{"name":' },
    400,
  ],
  [
    {
      method: 'POST',
      path: '/users',
      headers: { ...WITH_TOKEN, 'content-type': 'text/plain' },
      body: OVERSIZED,
    },
    415,
  ],
  [{ method: 'GET', path: '/users?page_size=many', headers: WITH_TOKEN }, 400],
  [{ method: 'POST', path: '/users', headers: JSON_TYPE, body: OVERSIZED }, 401],
  [{ method: 'GET', path: '/users' }, 401],
  [
    {
      method: 'POST',
      path: '/users',
      headers: { ...WITH_TOKEN, ...JSON_TYPE },
      body: JSON.stringify({ name: 'Kept Alive' }),
    },
    202,
  ],
];

describe('a refused request does not wedge its keep-alive connection', function () {
  this.timeout(30_000);
  let pipeline: Pipeline;
  let ops: Listening;

  before(async () => {
    pipeline = await startPipeline({
      workers: false,
      config: { SERVICE_TOKEN: TOKEN, RATE_LIMIT_PER_MINUTE: '2' },
    });
    ops = await startOps(pipeline);
  });
  after(async () => {
    await ops.close();
    await pipeline.stop();
  });

  /** Sends the steps in order, three rounds, each answered in time and as expected. */
  async function runSteps(client: KeepAliveClient, steps: readonly Step[]): Promise<void> {
    try {
      for (let round = 0; round < 3; round += 1) {
        for (const [request, status] of steps) {
          const started = Date.now();
          const answer = await client.send(request, ANSWER_WITHIN_MS);
          const what = `${client.name}, round ${round}: ${request.method} ${request.path}${request.chunked ? ' (chunked)' : ''}`;
          expect(answer.status, `${what}: ${answer.error ?? ''}`).to.equal(status);
          expect(Date.now() - started, what).to.be.below(ANSWER_WITHIN_MS);
        }
      }
    } finally {
      await client.close();
    }
  }

  const clients = [
    (origin: string) => undiciClient(origin, 1),
    (origin: string) => undiciClient(origin, 2),
    (origin: string) => nodeHttpClient(origin, 1),
    (origin: string) => nodeHttpClient(origin, 2),
  ];

  for (const make of clients) {
    const name = make('http://127.0.0.1:1').name;
    it(`${name}: 413, 400, 415, 401 and valid requests on the same connections`, async () => {
      await runSteps(make(pipeline.urls.users), userSteps);
    });
  }

  it('429 before the body (rate limit), then reads, on one connection', async () => {
    for (const make of [clients[0]!, clients[2]!]) {
      const client = make(pipeline.urls.orders);
      // Both clients share one address and so one budget: a fresh budget per client is not
      // needed, only that every write after the second is refused unread.
      const steps: Step[] = [
        [{ method: 'POST', path: '/orders', headers: JSON_TYPE, body: OVERSIZED }, 0],
        [{ method: 'GET', path: '/orders' }, 200],
      ];
      try {
        for (let i = 0; i < 6; i += 1) {
          for (const [request, expected] of steps) {
            const answer = await client.send(request, ANSWER_WITHIN_MS);
            if (expected === 0) expect(answer.status, answer.error).to.be.oneOf([413, 429]);
            else expect(answer.status, answer.error).to.equal(expected);
          }
        }
        const refused = await client.send(steps[0]![0], ANSWER_WITHIN_MS);
        expect(refused.status).to.equal(429);
      } finally {
        await client.close();
      }
    }
  });

  it('the ops port: 401 from basic auth, 413 from the board, then probes, on one connection', async () => {
    const board = pipeline.config.board;
    const asOperator = { ...basicAuthHeader(board.user, board.password), ...JSON_TYPE };
    const retry = `${BOARD_PATH}/api/queues/users/retry/failed`;
    // Over the board's own 1 MB JSON limit.
    const overBoardLimit = JSON.stringify({ x: 'x'.repeat(1536 * 1024) });
    const steps: Step[] = [
      [{ method: 'PUT', path: retry, headers: asOperator, body: overBoardLimit }, 413],
      [
        { method: 'PUT', path: retry, headers: asOperator, body: overBoardLimit, chunked: true },
        413,
      ],
      [{ method: 'PUT', path: retry, headers: asOperator, body: '{"x":' }, 400],
      [
        {
          method: 'PUT',
          path: retry,
          headers: JSON_TYPE,
          body: OVERSIZED,
        },
        401,
      ],
      [{ method: 'GET', path: '/health' }, 200],
      [{ method: 'POST', path: '/nowhere', headers: JSON_TYPE, body: OVERSIZED }, 404],
      [{ method: 'GET', path: '/ready' }, 200],
    ];
    for (const make of clients) await runSteps(make(ops.url), steps);
  });
});
