import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { load, loadSteady } from '../../../bench/lib/load.js';

/** The largest share of all arrivals that fell into one 100 ms window. */
function largestWindowShare(arrivals: readonly number[]): number {
  const windows = new Map<number, number>();
  for (const at of arrivals) {
    const window = Math.floor(at / 100);
    windows.set(window, (windows.get(window) ?? 0) + 1);
  }
  return Math.max(...windows.values()) / arrivals.length;
}

describe('bench load pacing (a loopback server records when requests arrive)', function () {
  this.timeout(30_000);
  let server: Server;
  let url: string;
  let arrivals: number[];

  before(async () => {
    server = createServer((_request, response) => {
      arrivals.push(performance.now());
      response.end('ok');
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  beforeEach(() => {
    arrivals = [];
  });
  after(() => new Promise((resolve) => server.close(resolve)));

  it("autocannon's own rate arrives as one burst per second (why loadSteady exists)", async () => {
    const run = await load('bursty', { url, seconds: 2, overallRate: 400, connections: 40 });
    expect(run.ok).to.be.within(600, 1000);
    // A burst at each one-second tick (two or three in 2 s): one 100 ms window
    // holds a whole burst, a third to a half of all. Paced evenly, it would hold 1/20.
    expect(largestWindowShare(arrivals)).to.be.above(0.25);
  });

  it('loadSteady sends the rate asked for, spread over each second', async () => {
    const run = await loadSteady('steady', {
      url,
      seconds: 2,
      overallRate: 400,
      connections: 40,
      phases: 20,
    });
    // Requests still in flight when a phase's time is up arrive but are not counted.
    expect(arrivals.length).to.be.at.least(run.ok);
    expect(run.ok).to.be.within(600, 1000);
    expect(run.rps).to.be.within(300, 500);
    // 20 phases 50 ms apart: a 100 ms window holds about a tenth of a second's requests.
    expect(largestWindowShare(arrivals)).to.be.below(0.15);
  });
});
