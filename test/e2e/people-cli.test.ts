import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { freePort, runEntry, type RunningProcess } from '../support/processes.js';
import { testEnv } from '../support/test-config.js';

const HEADER = 'ID,First,Last,Age,GithubAcct,Date of 3rd Grade Graduation';

describe('people import as a process: npm run import -- people FILE, and api --file', () => {
  let pipeline: Pipeline;
  let dir: string;
  const running: RunningProcess[] = [];

  before(async () => {
    pipeline = await startPipeline(); // the in-process workers persist what the processes queue
    dir = await mkdtemp(join(tmpdir(), 'spillway-people-'));
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await pipeline.stop();
    await rm(dir, { recursive: true, force: true });
  });

  async function storedIds(): Promise<number[]> {
    const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
      'SELECT id FROM people ORDER BY id',
    );
    return rows.map((row) => Number(row.id));
  }

  function runImport(args: string[]): Promise<{ code: number | null; output: string }> {
    const cli = runEntry('scripts/import.ts', args, testEnv());
    running.push(cli);
    return new Promise((resolve) =>
      cli.child.once('exit', (code) => resolve({ code, output: cli.output() })),
    );
  }

  it('prints the counts and each problem line, exits 0, and the good rows get persisted', async function () {
    this.timeout(60_000);
    const file = join(dir, 'people.csv');
    await writeFile(
      file,
      [
        HEADER,
        '801,Ann,Lee,30,,6/14/05',
        '802,Bob,Lee,200,,',
        '801,Dup,Lee,,,',
        '803,Cy,Lee,,,',
      ].join('\n'),
    );
    const { code, output } = await runImport(['people', file]);
    expect(code, output).to.equal(0);
    expect(output).to.include(`${file}: accepted 2, duplicate 1, invalid 1`);
    expect(output).to.include('line 3: invalid: age must be at most 150');
    expect(output).to.include('line 4: duplicate: id 801 already appears on line 2');
    await eventually(async () => ((await storedIds()).includes(803) ? true : undefined), {
      timeoutMs: 20_000,
      what: 'the imported rows in MySQL',
    });
    expect(await storedIds())
      .to.include.members([801, 803])
      .and.not.include(802);
  });

  it('exits 1 naming the problem for a missing file or a bad header, and 2 for bad usage', async function () {
    this.timeout(60_000);
    const missing = await runImport(['people', join(dir, 'nope.csv')]);
    expect(missing.code).to.equal(1);
    expect(missing.output).to.match(/import failed: .*ENOENT/);
    const headerless = join(dir, 'headerless.csv');
    await writeFile(headerless, '1,Ann,Lee,,,\n');
    const bad = await runImport(['people', headerless]);
    expect(bad.code).to.equal(1);
    expect(bad.output).to.include('import failed: invalid CSV header');
    const usage = await runImport(['users', 'x.csv']);
    expect(usage.code).to.equal(2);
    expect(usage.output).to.include('usage: npm run import -- people FILE.csv');
  });

  it('loads the shipped people.csv at start-up with --file; every sample row is valid', async function () {
    this.timeout(60_000);
    await pipeline.connections.mysql.query('DELETE FROM people WHERE id <= 20');
    const port = await freePort();
    const api = runEntry(
      'api/main.ts',
      ['--service', 'people', '--file', 'people.csv'],
      testEnv({ PEOPLE_SERVICE_PORT: String(port) }),
    );
    running.push(api);
    await eventually(
      async () => (api.output().includes('people CSV imported at start-up') ? true : undefined),
      { timeoutMs: 30_000, what: `the start-up import\n${api.output()}` },
    );
    const logLine = api
      .output()
      .split('\n')
      .find((l) => l.includes('people CSV imported'));
    expect(JSON.parse(logLine!)).to.include({ accepted: 20, duplicate: 0, invalid: 0 });
    const base = `http://127.0.0.1:${port}`;
    const byAge = await eventually(
      async () => {
        const answer = await http('GET', `${base}/people/age?page_size=100`);
        return answer.body?.people?.length >= 20 ? answer : undefined;
      },
      { timeoutMs: 20_000, what: 'the sample people to be readable' },
    );
    const sample = byAge.body.people.filter((p: { id: number }) => p.id <= 20);
    expect(sample.map((p: { id: number }) => p.id).slice(0, 2)).to.deep.equal([18, 17]);
    expect(sample.at(-1).id, 'Jon Smith has no age: last').to.equal(16);
    const smiths = await http('GET', `${base}/ids/lastname/smith`);
    expect(smiths.body).to.deep.equal({ result: true, ids: [16, 17, 18] });
    expect((await api.stop('SIGTERM')).code).to.equal(0);
  });
});
