import { expect } from 'chai';
import { execFile } from 'node:child_process';
import { createServer, type Server } from 'node:http';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { ensureClientBuilt } from '../../support/client-build.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../../', import.meta.url));

/** What a user's own TypeScript would write: it must compile against the package's .d.ts. */
const CONSUMER = `
import { createClient, ItemRejectedError, publicApi, type ListingCreate, type WriteResult, type Customer } from '@spillway/client';

const spillway = createClient({ services: { ...publicApi(), customers: 'http://127.0.0.1:1' } });
const item: ListingCreate = { user_id: 1, listing_type: 'rent', price: 1 };
const listing = await spillway.listings.create(item);
const id: number = listing.id;
const customer: WriteResult<Customer, string> = await spillway.customers.update('uuid', { address: 'x' });
// @ts-expect-error listing_type is 'rent' or 'sale'
void spillway.listings.create({ user_id: 1, listing_type: 'lease', price: 1 });
// @ts-expect-error unknown fields are refused, as the server's schema refuses them
void spillway.users.create({ name: 'a', age: 3 });
// @ts-expect-error users take no updates
void spillway.users.update;
export { id, customer, ItemRejectedError };
`;

/** A stand-in bulk endpoint: every item accepted with the next id. */
function fakeListings(): Promise<{ server: Server; url: string }> {
  let nextId = 41;
  const server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => {
      const lines = body
        .split('\n')
        .filter(Boolean)
        .map((line, index) => {
          const id = nextId++;
          const listing = { id, ...(JSON.parse(line) as object) };
          return JSON.stringify({ index, status: 202, listing, job_id: `listings-${id}-v1` });
        });
      lines.push(JSON.stringify({ result: true, accepted: lines.length, rejected: 0 }));
      response.writeHead(202, { 'content-type': 'application/x-ndjson' });
      response.end(`${lines.join('\n')}\n`);
    });
  });
  return new Promise((resolve) =>
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      resolve({ server, url: `http://127.0.0.1:${port}` });
    }),
  );
}

describe('@spillway/client as a package a user installs (built by npm run build:client, npm pack)', function () {
  this.timeout(180_000);
  let project: string;
  let files: string[];

  before(async () => {
    await ensureClientBuilt();
    project = await mkdtemp(join(tmpdir(), 'spillway-client-user-'));
    const { stdout } = await run(
      'npm',
      ['pack', '--ignore-scripts', '--pack-destination', project],
      { cwd: join(ROOT, 'client') },
    );
    const tarball = join(project, stdout.trim().split('\n').at(-1)!);
    files = (await run('tar', ['-tzf', tarball])).stdout.trim().split('\n');
    // Installed as npm would, with its one dependency beside it (from this checkout: no registry).
    const installed = join(project, 'node_modules', '@spillway', 'client');
    await mkdir(installed, { recursive: true });
    await run('tar', ['-xzf', tarball, '-C', installed, '--strip-components=1']);
    await mkdir(join(project, 'node_modules', '@types'), { recursive: true });
    await symlink(join(ROOT, 'node_modules', 'undici'), join(project, 'node_modules', 'undici'));
    await symlink(
      join(ROOT, 'node_modules', '@types', 'node'),
      join(project, 'node_modules', '@types', 'node'),
    );
    await writeFile(join(project, 'package.json'), '{"type":"module","private":true}\n');
  });
  after(() => rm(project, { recursive: true, force: true }));

  it('packs the compiled ESM with its type declarations, its README and example, and no tests', () => {
    expect(files).to.include.members([
      'package/package.json',
      'package/README.md',
      'package/dist/index.js',
      'package/dist/index.d.ts',
      'package/dist/generated/schema-types.d.ts',
      'package/examples/quick-start.mjs',
    ]);
    expect(files.filter((file) => /test|scripts\//.test(file))).to.deep.equal([]);
  });

  it('depends on undici alone: plain Node (no tsx) imports it and writes through it', async () => {
    const { server, url } = await fakeListings();
    try {
      const script = `
        import { createClient } from '@spillway/client';
        const spillway = createClient({ services: { listings: '${url}' } });
        const [a, b] = await Promise.all([
          spillway.listings.create({ user_id: 1, listing_type: 'rent', price: 10 }),
          spillway.listings.create({ user_id: 1, listing_type: 'sale', price: 20 }),
        ]);
        console.log(JSON.stringify([a.id, a.jobId, b.resource.price]));
        await spillway.close();`;
      const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], {
        cwd: project,
      });
      expect(JSON.parse(stdout)).to.deep.equal([41, 'listings-41-v1', 20]);
    } finally {
      server.close();
    }
    const manifest = (await import(join(project, 'node_modules/@spillway/client/package.json'), {
      with: { type: 'json' },
    })) as { default: { dependencies: Record<string, string> } };
    expect(Object.keys(manifest.default.dependencies)).to.deep.equal(['undici']);
    expect(await readdir(join(project, 'node_modules'))).to.have.members([
      '@spillway',
      '@types',
      'undici',
    ]);
  });

  it("types a user's code from its .d.ts: items as the server's schemas have them", async () => {
    await writeFile(join(project, 'consumer.ts'), CONSUMER);
    await writeFile(
      join(project, 'tsconfig.json'),
      JSON.stringify({
        compilerOptions: {
          target: 'ES2022',
          module: 'NodeNext',
          moduleResolution: 'NodeNext',
          strict: true,
          noEmit: true,
          skipLibCheck: true,
          types: ['node'],
        },
        files: ['consumer.ts'],
      }),
    );
    const tsc = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
    const checked = await run(process.execPath, [tsc, '-p', project]).catch(
      (error: { stdout: string }) => error,
    );
    expect(checked.stdout).to.equal('');
  });
});
