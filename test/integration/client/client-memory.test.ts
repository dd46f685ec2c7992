import { expect } from 'chai';
import { spawn, type ChildProcess } from 'node:child_process';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { createClient } from '../../../client/src/index.js';

/** 1,000,000 by default (issue 30); CLIENT_MEMORY_ITEMS=… runs another size. */
// eslint-disable-next-line no-restricted-properties -- a test's own size knob
const ITEMS = Number(process.env.CLIENT_MEMORY_ITEMS ?? 1_000_000);
const MAX_BUFFERED = 5_000;
/** Callers, each creating its share one after another: twice the buffer, so half of them wait. */
const CALLERS = 10_000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapMbAfterGc(): number {
  gc();
  return process.memoryUsage().heapUsed / 1e6;
}

function startSlowServer(): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'test/support/slow-bulk-server.ts'], {
    env: { ...process.env, SLOW_MS: '50' }, // eslint-disable-line no-restricted-properties
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  return new Promise((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`slow server exited ${code}`)));
    child.stdout?.on('data', (chunk: Buffer) => {
      const port = /listening (\d+)/.exec(chunk.toString())?.[1];
      if (port) resolve({ child, url: `http://127.0.0.1:${port}` });
    });
  });
}

describe('@spillway/client maxBuffered: bounded memory through a slow server', function () {
  this.timeout(300_000);
  let server: { child: ChildProcess; url: string };
  before(async () => {
    server = await startSlowServer();
  });
  after(() => server.child.kill('SIGTERM'));

  it(`pushes ${ITEMS.toLocaleString('en')} items from ${CALLERS.toLocaleString('en')} callers: the buffer never passes maxBuffered, the heap does not grow, every item resolves`, async () => {
    const spillway = createClient({
      services: { listings: server.url },
      maxBuffered: MAX_BUFFERED,
      batch: { maxItems: 1000, maxInFlight: 4 },
    });
    let mostBuffered = 0;
    let mostWaiting = 0;
    spillway.on('sent', () => {
      const stats = spillway.stats();
      mostBuffered = Math.max(mostBuffered, stats.buffered);
      mostWaiting = Math.max(mostWaiting, stats.waiting);
    });
    const perCaller = Math.ceil(ITEMS / CALLERS);
    let resolved = 0;
    let lastId = 0;
    let peak = 0;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().heapUsed / 1e6);
    }, 100);
    // The live heap (after a full GC) at 10, 40, 70 and 95 % of the items, all under full load.
    const checkpoints = new Set([0.1, 0.4, 0.7, 0.95].map((share) => Math.round(ITEMS * share)));
    const live: number[] = [];
    const started = Date.now();
    await Promise.all(
      Array.from({ length: CALLERS }, async (_, caller) => {
        for (let k = 0; k < perCaller; k += 1) {
          const n = caller * perCaller + k;
          if (n >= ITEMS) return;
          const result = await spillway.listings.create({
            user_id: 1,
            listing_type: 'rent',
            price: n + 1,
          });
          lastId = Math.max(lastId, result.id);
          resolved += 1;
          if (checkpoints.has(resolved)) live.push(heapMbAfterGc());
        }
      }),
    );
    clearInterval(sampler);
    const seconds = (Date.now() - started) / 1000;
    await spillway.close();
    console.log(
      `      ${ITEMS} items in ${seconds.toFixed(1)} s (${Math.round(ITEMS / seconds)}/s); most buffered ${mostBuffered}, most waiting ${mostWaiting}; live heap at 10/40/70/95 %: ${live.map((mb) => mb.toFixed(1)).join(' / ')} MB; peak heap before GC ${peak.toFixed(0)} MB`,
    );
    expect(resolved).to.equal(ITEMS);
    expect(lastId).to.equal(ITEMS);
    expect(mostBuffered).to.equal(MAX_BUFFERED);
    expect(mostWaiting).to.be.greaterThan(0);
    expect(live).to.have.length(4);
    // Bounded: what the client holds does not grow with the items pushed through it.
    expect(Math.max(...live) - live[0]!, 'live heap growth from 10 % to 95 %').to.be.lessThan(10);
  });
});
