import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { loadConfig } from '../../../config/index.js';

/** The ports scripts/redis-cluster.sh starts its nodes on, as the script declares them. */
function clusterPorts(): number[] {
  const script = readFileSync(
    new URL('../../../scripts/redis-cluster.sh', import.meta.url),
    'utf8',
  );
  return [...script.matchAll(/^CLUSTER_(?:QUEUE|CACHE)_PORTS=\(([\d ]+)\)$/gm)].flatMap((match) =>
    (match[1] ?? '').trim().split(/\s+/).map(Number),
  );
}

describe('the local Redis Clusters stay off every other local port', () => {
  it('declares 6 queue and 3 cache nodes', () => {
    expect(clusterPorts()).to.have.length(9);
  });

  it('shares no port, nor a cluster bus port (port + 10000), with a service, the ops ports or a store', () => {
    const config = loadConfig({});
    const taken = new Set<number>([
      ...Object.values(config.services).map((address) => address.port),
      config.ops.port,
      config.workerOps.port,
      config.cronOps.port,
      6379,
      6380,
      3306,
      27017,
    ]);
    for (const port of clusterPorts()) {
      expect(taken.has(port), `cluster node port ${port}`).to.equal(false);
      expect(taken.has(port + 10_000), `cluster bus port ${port + 10_000}`).to.equal(false);
    }
  });
});
