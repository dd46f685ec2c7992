import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { RowDataPacket } from 'mysql2/promise';
import { eventually } from '../support/eventually.js';
import { startPipeline, type Pipeline } from '../support/pipeline.js';
import { runEntry, type RunningProcess } from '../support/processes.js';
import { testEnv } from '../support/test-config.js';

describe('npm run import -- RESOURCE FILE.ndjson: an NDJSON file through the bulk intake', () => {
  let pipeline: Pipeline;
  let dir: string;
  const running: RunningProcess[] = [];

  before(async () => {
    pipeline = await startPipeline(); // the in-process workers persist what the CLI queues
    dir = await mkdtemp(join(tmpdir(), 'spillway-bulk-'));
  });
  after(async () => {
    await Promise.all(running.map((p) => p.stop('SIGKILL')));
    await pipeline.stop();
    await rm(dir, { recursive: true, force: true });
  });

  function runImport(args: string[], env: Record<string, string> = {}) {
    const cli = runEntry('scripts/import.ts', args, { ...testEnv(), ...env });
    running.push(cli);
    return new Promise<{ code: number | null; output: string }>((resolve) =>
      cli.child.once('exit', (code) => resolve({ code, output: cli.output() })),
    );
  }

  it('sends the file in requests of at most BULK_MAX_ITEMS lines, prints the counts and each refused line, and the rest is persisted', async function () {
    this.timeout(60_000);
    const tag = `cli-${Date.now()}`;
    const file = join(dir, 'users.ndjson');
    const lines = Array.from({ length: 7 }, (_, i) => JSON.stringify({ name: `${tag} ${i}` }));
    lines[2] = '{"name": ""}';
    lines[5] = 'not json';
    await writeFile(file, `${lines.slice(0, 4).join('\n')}\n\n${lines.slice(4).join('\n')}\n`);
    const { code, output } = await runImport(['users', file], { BULK_MAX_ITEMS: '3' });
    expect(code, output).to.equal(0);
    expect(output).to.include(`${file}: accepted 5, rejected 2`);
    expect(output).to.include('line 3: 400: name must not be empty');
    // The blank line 5 is skipped: "not json" is the file's line 7.
    expect(output).to.include('line 7: 400: line 3 is not valid JSON');
    await eventually(
      async () => {
        const [rows] = await pipeline.connections.mysql.query<RowDataPacket[]>(
          'SELECT COUNT(*) AS n FROM users WHERE name LIKE ?',
          [`${tag} %`],
        );
        return Number(rows[0]?.n) === 5 ? true : undefined;
      },
      { what: 'the 5 users in MySQL' },
    );
  });

  it('refuses an unknown resource with a usage line and exit 2', async () => {
    const { code, output } = await runImport(['widgets', join(dir, 'x.ndjson')]);
    expect(code).to.equal(2);
    expect(output).to.include('usage: npm run import');
  });
});
