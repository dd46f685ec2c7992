import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureClientBuilt } from '../support/client-build.js';
import type { NpmStarted } from '../support/client-pipeline.js';
import { eventually } from '../support/eventually.js';
import { http } from '../support/http.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const EXAMPLE = 'client/examples/quick-start.mjs';

/** The first ```js block of the README's "Client library" section. */
async function readmeExample(): Promise<string> {
  const readme = await readFile(`${ROOT}README.md`, 'utf8');
  const section = readme.slice(readme.indexOf('\n## Client library\n'));
  const block = /```js\n([\s\S]*?)```/.exec(section)?.[1];
  if (!block) throw new Error('README: no js block under "## Client library"');
  return block;
}

/**
 * The README's five-line example, run as it says (`npm run build:client`,
 * then `node client/examples/quick-start.mjs`) against npm start: only
 * `createClient()`'s addresses are changed, to npm start's ports in this test.
 */
export function describeReadmeExample(npmStart: () => NpmStarted): void {
  describe('the README example', () => {
    it('is five lines, the same as client/examples/quick-start.mjs', async () => {
      const block = await readmeExample();
      expect(block.trim().split('\n')).to.have.length(5);
      expect(block).to.equal(await readFile(`${ROOT}${EXAMPLE}`, 'utf8'));
    });

    it('works as written against npm start: prints the new listing’s id and job id', async function () {
      this.timeout(120_000);
      await ensureClientBuilt();
      const source = await readFile(`${ROOT}${EXAMPLE}`, 'utf8');
      const services = JSON.stringify({ services: npmStart().services });
      expect(source).to.include('createClient()');
      // Inside client/, like the shipped file, so `@spillway/client` resolves to this package.
      const copy = `${ROOT}client/examples/.quick-start-under-test.mjs`;
      await writeFile(copy, source.replace('createClient()', `createClient(${services})`));
      try {
        const { stdout } = await run(process.execPath, [copy], { cwd: ROOT, timeout: 60_000 });
        const [id, jobId] = stdout.trim().split(' ');
        expect(jobId).to.equal(`listings-${id}-v1`);
        const url = `${npmStart().services.listings}/listings/${id}`;
        const stored = await eventually(
          async () => {
            const answer = await http('GET', url);
            return answer.status === 200 ? answer : undefined;
          },
          { timeoutMs: 15_000, what: `${url} to be persisted` },
        );
        expect(stored.body.listing).to.include({ user_id: 1, listing_type: 'rent', price: 6000 });
      } finally {
        await rm(copy, { force: true });
      }
    });
  });
}
