import { expect } from 'chai';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { newObjectId } from '../../shared/domain/ids/object-id.js';
import { OrderRepository } from '../../shared/domain/repositories/order.repository.js';
import { eventually } from '../support/eventually.js';
import { runEntry, type RunningProcess } from '../support/processes.js';
import { resetStores } from '../support/stores.js';
import { testConfig, testEnv } from '../support/test-config.js';

const DAY_MICROS = 86_400_000_000;

describe('the cron process (cron/main.ts) and the on-demand purge CLI', () => {
  let connections: Connections;
  let orders: OrderRepository;
  const running: RunningProcess[] = [];

  before(async () => {
    connections = await openConnections(testConfig());
    orders = new OrderRepository(connections.mongo);
  });
  beforeEach(() => resetStores(connections));
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await closeConnections(connections);
  });

  async function placeOrders(ageMicros: number, count: number): Promise<string[]> {
    const createdAt = Date.now() * 1000 - ageMicros;
    const ids = Array.from({ length: count }, () => newObjectId());
    await orders.applyWrites(
      ids.map((id) => ({
        before: null,
        after: {
          id,
          vehicle_manufacturer: 'Vauxhall',
          model: 'Vectra',
          total_price: 1,
          status: 'new',
          created_at: createdAt,
          updated_at: createdAt,
          version: 1,
          deleted: false,
        },
      })),
    );
    return ids;
  }

  it('`cron/main.ts --once` (npm run purge-orders) purges now, prints the count and exits 0', async function () {
    this.timeout(30_000);
    const old = await placeOrders(4 * DAY_MICROS, 2);
    const young = await placeOrders(DAY_MICROS, 1);
    const cli = runEntry('cron/main.ts', ['--once'], testEnv({ LOG_LEVEL: 'warn' }));
    running.push(cli);
    const code = await new Promise<number | null>((resolve) => cli.child.once('exit', resolve));
    expect(code, cli.output()).to.equal(0);
    expect(cli.output().trim()).to.equal('purged 2 orders');
    for (const id of old) expect(await orders.findById(id)).to.equal(null);
    expect(await orders.findById(young[0]!)).to.not.equal(null);
  });

  it('runs the purge on its schedule, and exits 0 on SIGTERM', async function () {
    this.timeout(40_000);
    const [old] = await placeOrders(4 * DAY_MICROS, 1);
    const cron = runEntry(
      'cron/main.ts',
      [],
      testEnv({ ORDER_PURGE_CRON: '* * * * * *', SHUTDOWN_TIMEOUT_MS: '8000' }),
    );
    running.push(cron);
    await eventually(
      async () => (cron.output().includes('orders purged: 1 removed') ? true : undefined),
      { timeoutMs: 20_000, what: `the scheduled purge\n${cron.output()}` },
    );
    expect(await orders.findById(old!)).to.equal(null);
    expect(cron.output()).to.include('cron started');
    const exit = await cron.stop('SIGTERM');
    expect(exit.code, cron.output()).to.equal(0);
    expect(exit.ms).to.be.below(8000);
  });

  it('refuses to start with a bad ORDER_PURGE_CRON, naming the variable', async function () {
    this.timeout(20_000);
    const cron = runEntry('cron/main.ts', [], testEnv({ ORDER_PURGE_CRON: 'often' }));
    running.push(cron);
    const code = await new Promise<number | null>((resolve) => cron.child.once('exit', resolve));
    expect(code).to.not.equal(0);
    expect(cron.output()).to.include('ORDER_PURGE_CRON');
  });
});
