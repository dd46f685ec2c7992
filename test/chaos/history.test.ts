import { expect } from 'chai';
import { mkdirSync, writeFileSync } from 'node:fs';
import { FAULTS } from '../support/history/faults.catalogue.js';
import { runHistory, type RunOptions, type RunReport } from '../support/history/history-run.js';
import { badCounts, tableHeader, tableRow } from '../support/history/history-table.js';
import { newSeed } from '../support/history/seeded-random.js';

/** The seed of a failed run, to replay it: HISTORY_SEED=<seed> npx mocha test/chaos/history.test.ts. */
function seedOfRun(): number {
  // eslint-disable-next-line no-restricted-properties -- the test's own knob: replaying a printed seed
  const given = process.env.HISTORY_SEED;
  return given ? Number(given) : newSeed();
}

/** Whether to run the faults that still show a known defect (HISTORY_KNOWN_DEFECTS=1). */
function runKnownDefects(): boolean {
  // eslint-disable-next-line no-restricted-properties -- the test's own knob, like HISTORY_SEED
  return process.env.HISTORY_KNOWN_DEFECTS === '1';
}

/**
 * ~1,000-2,000 requests per run in ~10-20 s: short enough for seven runs in
 * about four minutes on two cores, long enough for every key to see several
 * writers at once.
 */
const OPTIONS: Omit<RunOptions, 'seed'> = {
  clients: 20,
  ratePerSecond: 120,
  before: 200,
  after: 200,
  maxOps: 4000,
  requestTimeoutMs: 8000,
  drainDeadlineMs: 90_000,
};

/** What a failed run prints: where each finding is, and how the answers went. */
function diagnosis(report: RunReport): string {
  const lines = [
    `jobs failed for good ${report.failedJobs}; left in the queues ${JSON.stringify(report.leftInQueues)}` +
      (report.converged ? '' : '; the stores never showed every acknowledged write'),
    ...Object.entries(report.result.byResource).map(([name, c]) => `${name}: ${JSON.stringify(c)}`),
    ...report.result.findings
      .slice(0, 40)
      .map((f) => `${f.kind} ${f.resource} ${f.key}: ${f.detail}`),
    ...report.result.anomalies.slice(0, 10),
  ];
  if (report.result.findings.length > 40)
    lines.push(`… ${report.result.findings.length - 40} more`);
  return lines.join('\n      ');
}

/** Keeps a failed run's whole history (requests, answers, stores) for a closer look. */
function saveHistory(report: RunReport, seed: number): string {
  const file = `test-artifacts/history/${report.fault.replace(/[^a-z0-9]+/gi, '-')}.json`;
  mkdirSync('test-artifacts/history', { recursive: true });
  const stored = Object.fromEntries(
    [...report.history.stored].map(([name, keys]) => [name, Object.fromEntries(keys)]),
  );
  const { findings, anomalies } = report.result;
  writeFileSync(file, JSON.stringify({ seed, findings, anomalies, ...report.history, stored }));
  return file;
}

/**
 * SPEC §9, "Proof": concurrent clients write orders and customers (creates,
 * updates, legacy replacements, deletes, username changes) on a small shared
 * key space, and create users, listings and people, against real API and
 * worker processes; the run is repeated under each fault of §5 and §8. Every
 * request and answer is recorded and, once the queues drained, each key's
 * history is checked against MySQL, Mongo and the change events: no
 * acknowledged write lost, duplicated or reordered, and nothing stored that
 * no write explains.
 */
describe('chaos: a Jepsen-style history under faults (spec §9)', function () {
  const seed = seedOfRun();
  const rows: string[] = [];

  before(() => console.log(`      seed ${seed} (replay: HISTORY_SEED=${seed})`));
  after(() => console.log(`\n${[tableHeader(), ...rows].join('\n')}\n`));

  for (const fault of FAULTS.filter((f) => f.knownDefect !== undefined && !runKnownDefects())) {
    // Said on every run, never a silent skip: this fault still fails (README, docs/guarantees.md).
    before(() =>
      console.log(
        `      NOT RUN — fault: ${fault.name}: known defect, ${fault.knownDefect} (HISTORY_KNOWN_DEFECTS=1 runs it)`,
      ),
    );
  }

  FAULTS.forEach((fault, index) => {
    if (fault.knownDefect !== undefined && !runKnownDefects()) return;
    it(`applies every acknowledged write once, in order — fault: ${fault.name}`, async function () {
      this.timeout(180_000);
      const report = await runHistory(fault, index, { seed, ...OPTIONS });
      const row = tableRow(fault.name, report.result);
      rows.push(row);
      console.log(`      ${row}`);
      for (const note of report.notes) console.log(`      ${note}`);
      console.log(
        `      answers by status ${JSON.stringify(report.statuses)}; ` +
          `load ${report.loadMs} ms, drain ${report.drainMs} ms`,
      );
      const clean =
        Object.values(badCounts(report.result)).every((n) => n === 0) &&
        report.result.anomalies.length === 0;
      if (!clean) {
        console.log(`      ${diagnosis(report)}`);
        console.log(`      the whole history: ${saveHistory(report, seed)}`);
      }
      expect(report.crashed, 'processes that crashed').to.deep.equal([]);
      expect(report.result.acknowledged, 'writes acknowledged').to.be.greaterThan(0);
      expect(badCounts(report.result), `seed ${seed}`).to.deep.equal({
        lost: 0,
        duplicated: 0,
        reordered: 0,
        phantom: 0,
      });
      expect(report.result.anomalies, 'answers that break the contract').to.deep.equal([]);
    });
  });
});
