import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import Koa from 'koa';
import { errorHandler } from '../../../../../api/http/error-handler.js';
import { requestId, type RequestState } from '../../../../../api/http/request-id.js';
import {
  isRedisUnreachable,
  WriteNotReplicatedError,
} from '../../../../../shared/domain/errors/index.js';
import { replicaAck } from '../../../../../shared/infra/queues/replica-ack.js';
import { createLogger } from '../../../../../shared/infra/telemetry/logger.js';
import type { RedisClient } from '../../../../../shared/infra/redis/redis-client.js';

/** A primary whose WAIT answers how many replicas acknowledged: `confirmed`. */
function primaryWithReplicas(confirmed: number, seen: unknown[][] = []): RedisClient {
  return {
    call: async (...args: unknown[]) => {
      seen.push(args);
      return confirmed;
    },
  } as unknown as RedisClient;
}

const shard = { name: '{persist-users}', opts: { prefix: 'spillway' } } as never;

describe('replicaAck: a write is acknowledged only once a replica holds its job (§8)', () => {
  it('sends WAIT <replicas> <timeout> to the primary after the add, and resolves when enough replicas answered', async () => {
    const seen: unknown[][] = [];
    const ack = replicaAck(primaryWithReplicas(1, seen), { replicas: 1, timeoutMs: 250 });
    await ack.confirm(shard);
    expect(seen).to.deep.equal([['WAIT', 1, 250]]);
  });

  it('throws WriteNotReplicatedError (503, Retry-After) when WAIT times out with too few replicas', async () => {
    const ack = replicaAck(primaryWithReplicas(0), { replicas: 1, timeoutMs: 250 });
    const error = await ack.confirm(shard).then(
      () => expect.fail('confirmed without a replica'),
      (thrown: unknown) => thrown,
    );
    expect(error).to.be.instanceOf(WriteNotReplicatedError);
    expect((error as WriteNotReplicatedError).status).to.equal(503);
    expect((error as WriteNotReplicatedError).headers).to.deep.equal({ 'Retry-After': '1' });
  });

  it('counts a WAIT that fails (a primary demoted or gone since the add) as no confirmation', async () => {
    const demoted = {
      call: async () => {
        throw new Error('ERR WAIT cannot be used with replica instances');
      },
    } as unknown as RedisClient;
    const error = await replicaAck(demoted, { replicas: 1, timeoutMs: 250 })
      .confirm(shard)
      .catch((thrown: unknown) => thrown);
    expect(error).to.be.instanceOf(WriteNotReplicatedError);
  });

  it('waits for nothing with REDIS_QUEUE_WAIT_REPLICAS=0 (one Redis)', async () => {
    const seen: unknown[][] = [];
    await replicaAck(primaryWithReplicas(0, seen), { replicas: 0, timeoutMs: 250 }).confirm(shard);
    expect(seen).to.deep.equal([]);
  });

  describe('a write whose WAIT times out, over HTTP', () => {
    let server: Server;
    let base: string;

    before(async () => {
      const ack = replicaAck(primaryWithReplicas(0), { replicas: 1, timeoutMs: 250 });
      const app = new Koa<RequestState>();
      app.use(requestId(createLogger({ level: 'silent', name: 'test' })));
      app.use(errorHandler());
      // The write path's last step: the add reached the primary, then the ack.
      app.use(async (ctx) => {
        await ack.confirm(shard);
        ctx.status = 202;
      });
      server = createServer(app.callback());
      server.listen(0, '127.0.0.1');
      await once(server, 'listening');
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    after(() => server.close());

    it('is answered 503 with Retry-After and a message naming the replicas, never 202', async () => {
      const answer = await fetch(`${base}/users`, { method: 'POST' });
      expect(answer.status).to.equal(503);
      expect(answer.headers.get('retry-after')).to.equal('1');
      const body = (await answer.json()) as { result: boolean; errors: string[] };
      expect(body.result).to.equal(false);
      expect(body.errors[0]).to.match(/0 of 1 replica\(s\) confirmed it within 250 ms/);
    });
  });
});

describe('isRedisUnreachable: cluster failover errors are a 503, not a 500', () => {
  it('knows the errors a cluster answers while a slot is between masters', () => {
    for (const message of [
      'CLUSTERDOWN The cluster is down',
      'TRYAGAIN Multiple keys request during rehashing of slot',
      "Cluster isn't ready and enableOfflineQueue options is false",
      'Too many Cluster redirections. Last error: Error: connect ECONNREFUSED',
    ]) {
      expect(isRedisUnreachable(new Error(message)), message).to.equal(true);
    }
    const allFailed = new Error('Failed to refresh slots cache.');
    allFailed.name = 'ClusterAllFailedError';
    expect(isRedisUnreachable(allFailed)).to.equal(true);
    expect(isRedisUnreachable(new Error('ERR wrong number of arguments'))).to.equal(false);
  });
});
