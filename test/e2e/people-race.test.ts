import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { eventually } from '../support/eventually.js';
import { http, type HttpAnswer } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort, runEntry, type RunningProcess } from '../support/processes.js';
import { testEnv } from '../support/test-config.js';

const HEADER = 'ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation';
/** Rows per round: several import chunks of 1000, so POSTs meet the import at every chunk. */
const ROWS = 6000;
const ROUNDS = 3;
/** Concurrent POST /people clients while the import runs. */
const POSTERS = 24;

interface Posted {
  readonly id: number;
  readonly last: string;
}

/**
 * Item 8 of issue 15: POST /people (ids from the counter) and a CSV import
 * (ids from the file) racing for the same ids. The import's rows are exactly
 * the ids the counter is about to hand out, and POSTs keep drawing ids while
 * the import reads its chunks, so the two meet on every chunk. They go to two
 * API processes on the same stores (docs/scaling.md), as they would in
 * production: within one process the event loop happens to order the two
 * writers' Redis commands, across processes nothing does. The rule: the
 * first write accepted for an id wins; every accepted write is stored as it was
 * accepted; the import reports every row it did not win as a duplicate.
 */
describe('people id races (issue 15 item 8): POST /people against an import of the same ids', () => {
  let pipeline: Pipeline;
  /** POST /people goes here: the in-process people service (its workers persist every write). */
  let base: string;
  /** The imports go here: a second people API process. */
  let importer: RunningProcess;
  let importBase: string;

  before(async function () {
    this.timeout(120_000);
    pipeline = await startPipeline();
    base = pipeline.urls.people;
    const port = await freePort();
    importer = runEntry(
      'api/main.ts',
      ['--service', 'people'],
      testEnv({ PEOPLE_SERVICE_PORT: String(port), LOG_LEVEL: 'warn' }),
    );
    importBase = `http://127.0.0.1:${port}`;
    await eventually(
      async () =>
        (await http('GET', `${importBase}/ready`).catch(() => undefined))?.status === 200
          ? true
          : undefined,
      { timeoutMs: 90_000, what: `the importing API to be ready\n${importer.output()}` },
    );
  });
  after(async () => {
    await importer?.stop('SIGKILL');
    await pipeline.stop();
  });

  async function storedPeople(): Promise<Map<number, { first: string; last: string }>> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id, first, last FROM people',
    );
    return new Map(rows.map((row) => [Number(row.id), { first: row.first, last: row.last }]));
  }

  async function queueIdle(): Promise<void> {
    const queue = pipeline.apps.queues.find((q) => q.name === QUEUE_NAMES.persistPeople)!;
    await eventually(
      async () => {
        const counts = await queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized');
        return Object.values(counts).every((n) => n === 0) ? true : undefined;
      },
      { timeoutMs: 60_000, intervalMs: 100, what: 'the persist-people queue to drain' },
    );
  }

  /** POSTs one person after another until `stop` says so; every answer is kept. */
  async function keepPosting(client: number, stop: () => boolean, answers: HttpAnswer[]) {
    for (let n = 0; !stop(); n += 1) {
      answers.push(
        await http('POST', `${base}/people`, {
          json: { first: 'Posted', last: `P${client}-${n}` },
        }),
      );
    }
  }

  async function raceOnce(round: number): Promise<void> {
    // The id the counter hands out next is where the import's rows start.
    const probe = await http('POST', `${base}/people`, {
      json: { first: 'Probe', last: `Round${round}` },
      headers: { Prefer: 'wait=10' },
    });
    expect(probe.status).to.equal(201);
    const firstId = Number(probe.body.person.id) + 1;
    const ids = Array.from({ length: ROWS }, (_, i) => firstId + i);
    const csv = [HEADER, ...ids.map((id) => `${id},Imported,I${id},,,`)].join('\n');

    let importing = true;
    const answers: HttpAnswer[] = [];
    const posters = Array.from({ length: POSTERS }, (_, client) =>
      keepPosting(client, () => !importing, answers),
    );
    const imported = await http('POST', `${importBase}/people/import`, {
      raw: csv,
      headers: { 'content-type': 'text/csv' },
    }).finally(() => {
      importing = false;
    });
    await Promise.all(posters);

    expect(imported.status, imported.text.slice(0, 300)).to.equal(202);
    const { counts } = imported.body;
    expect(counts.invalid).to.equal(0);
    expect(counts.accepted + counts.duplicate, 'every row is accepted or a duplicate').to.equal(
      ROWS,
    );
    for (const answer of answers) expect(answer.status, answer.text).to.equal(202);
    const posted: Posted[] = answers.map((answer) => ({
      id: Number(answer.body.person.id),
      last: answer.body.person.last,
    }));

    await queueIdle();
    const stored = await storedPeople();
    // Every POST that was answered 202 is stored as it was posted: no import overwrote or displaced it.
    const displaced = posted.filter((p) => stored.get(p.id)?.last !== p.last);
    expect(displaced, 'POSTs answered 202 whose person is not the one stored').to.deep.equal([]);
    // The import's accepted rows are all stored as imported: none was taken by a POST.
    const importedStored = ids.filter((id) => stored.get(id)?.first === 'Imported');
    expect(importedStored.length, 'rows the import counted as accepted that are stored').to.equal(
      counts.accepted,
    );
    // A row the import did not win is an id a POST holds.
    const postedIds = new Set(posted.map((p) => p.id));
    const heldByPosts = ids.filter((id) => postedIds.has(id)).length;
    expect(counts.duplicate, 'duplicates are exactly the ids POSTs won').to.equal(heldByPosts);
    for (const problem of imported.body.problems) {
      expect(problem.kind).to.equal('duplicate');
      expect(postedIds.has(firstId + problem.line - 2), `line ${problem.line}`).to.equal(true);
    }
  }

  it('the first accepted write of an id wins; the import reports the ids it lost as duplicates', async function () {
    this.timeout(240_000);
    for (let round = 1; round <= ROUNDS; round += 1) await raceOnce(round);
  });

  it('two imports of the same ids at once: each id is accepted by exactly one of them', async function () {
    this.timeout(120_000);
    await queueIdle();
    const firstId = 9_000_001;
    const ids = Array.from({ length: ROWS }, (_, i) => firstId + i);
    const csvFor = (name: string) =>
      [HEADER, ...ids.map((id) => `${id},${name},I${id},,,`)].join('\n');
    const send = (url: string, name: string) =>
      http('POST', `${url}/people/import`, {
        raw: csvFor(name),
        headers: { 'content-type': 'text/csv' },
      });
    const [one, two] = await Promise.all([send(base, 'One'), send(importBase, 'Two')]);
    expect([one.status, two.status]).to.deep.equal([202, 202]);
    expect(
      one.body.counts.accepted + two.body.counts.accepted,
      'accepted by one import or the other, never both',
    ).to.equal(ROWS);
    expect(one.body.counts.duplicate + two.body.counts.duplicate).to.equal(ROWS);

    await queueIdle();
    const stored = await storedPeople();
    const storedAs = (name: string) => ids.filter((id) => stored.get(id)?.first === name).length;
    expect(storedAs('One'), 'rows stored as the first import sent them').to.equal(
      one.body.counts.accepted,
    );
    expect(storedAs('Two'), 'rows stored as the second import sent them').to.equal(
      two.body.counts.accepted,
    );
  });
});
