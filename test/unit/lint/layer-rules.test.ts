import { expect } from 'chai';
import { ESLint } from 'eslint';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const RULE = '@typescript-eslint/no-restricted-imports';

// The project's own eslint.config.js; the files are virtual, so `npx eslint .` never sees a violation.
const eslint = new ESLint({ cwd: ROOT });

/** The layer-rule messages for `source` imported from a file at `filePath`; fails on any other problem. */
async function layerErrors(filePath: string, source: string, typeOnly = false): Promise<string[]> {
  const code = typeOnly
    ? `import type { Thing } from '${source}';\nexport type Used = Thing;\n`
    : `import { thing } from '${source}';\nexport const used = thing;\n`;
  const [result] = await eslint.lintText(code, { filePath: `${ROOT}${filePath}` });
  const messages = result?.messages ?? [];
  expect(messages.filter((m) => m.ruleId !== RULE).map((m) => m.message)).to.deep.equal([]);
  return messages.map((m) => m.message);
}

describe('layer rules (eslint.config.js)', () => {
  describe('database drivers only in repositories and the connection pools', () => {
    it('refuses mysql2 and mongoose elsewhere in shared/, even a type', async () => {
      expect(await layerErrors('shared/infra/queues/example.ts', 'mysql2/promise')).to.have.length(
        1,
      );
      expect(await layerErrors('shared/infra/queues/example.ts', 'mongoose', true)).to.have.length(
        1,
      );
    });

    it('refuses them in a process folder', async () => {
      expect(await layerErrors('api/users/example.ts', 'mysql2/promise', true)).to.have.length(1);
      expect(await layerErrors('workers/persist/example.ts', 'mongoose')).to.have.length(1);
    });

    it('allows them in a repository, a connection pool, and tests that read the stores directly', async () => {
      expect(await layerErrors('shared/domain/repositories/example.repository.ts', 'mongoose')).to
        .be.empty;
      expect(await layerErrors('shared/infra/databases/example-pool.ts', 'mysql2/promise')).to.be
        .empty;
      expect(await layerErrors('test/e2e/example.test.ts', 'mysql2/promise', true)).to.be.empty;
    });
  });

  it('keeps process folders out of shared/ and config/', async () => {
    expect(
      await layerErrors('shared/infra/queues/example.ts', '../../workers/create-workers.js'),
    ).to.have.length(1);
    expect(await layerErrors('config/example.ts', '../api/main.js')).to.have.length(1);
    expect(await layerErrors('shared/infra/queues/example.ts', '../clock.js')).to.be.empty;
  });

  it('keeps shared/domain/ out of shared/infra/, even a type; the domain builds on infra', async () => {
    expect(
      await layerErrors('shared/infra/queues/example.ts', '../../domain/resources/registry.js'),
    ).to.have.length(1);
    expect(
      await layerErrors('shared/infra/redis/example.ts', '../../domain/writes/write-jobs.js', true),
    ).to.have.length(1);
    expect(await layerErrors('shared/infra/example.ts', '../domain/infra-names.js')).to.have.length(
      1,
    );
    expect(
      await layerErrors('shared/infra/databases/example.ts', '../../domain/errors/index.js'),
    ).to.have.length(1);
    // Infra's own folders, and the domain importing infra, are fine.
    expect(await layerErrors('shared/infra/queues/example.ts', '../errors/index.js')).to.be.empty;
    expect(await layerErrors('shared/domain/resources/example.ts', '../../infra/queues/queues.js'))
      .to.be.empty;
    expect(
      await layerErrors('shared/domain/ids/example.ts', '../../infra/redis/redis-keys.js', true),
    ).to.be.empty;
  });

  it('keeps shared/ out of config/', async () => {
    expect(
      await layerErrors('config/example.ts', '../shared/infra/queues/queue-names.js'),
    ).to.have.length(1);
    expect(await layerErrors('config/example.ts', './env-parsers.js')).to.be.empty;
  });

  it('keeps each process out of the others’ folders', async () => {
    expect(await layerErrors('api/users/example.ts', '../../workers/main.js')).to.have.length(1);
    expect(await layerErrors('workers/notify/example.ts', '../../api/main.js')).to.have.length(1);
    expect(await layerErrors('cron/example.ts', '../workers/main.js')).to.have.length(1);
    expect(await layerErrors('workers/notify/example.ts', '../../shared/infra/process/clock.js')).to
      .be.empty;
  });

  it('keeps api/http/ out of the resources’ services and the public API’s clients', async () => {
    expect(
      await layerErrors('api/customers/example.service.ts', '../http/bulk/bulk-intake.js', true),
    ).to.have.length(1);
    expect(
      await layerErrors('api/public/clients/example.client.ts', '../../http/prefer-wait.js'),
    ).to.have.length(1);
    expect(
      await layerErrors('api/orders/example.service.ts', '../../workers/main.js'),
    ).to.have.length(1);
    expect(await layerErrors('api/customers/example.service.ts', '../bulk-writes.js', true)).to.be
      .empty;
    expect(await layerErrors('api/customers/example.routes.ts', '../http/route-table.js')).to.be
      .empty;
  });

  it('lets scripts/ use api/ but not workers/', async () => {
    expect(await layerErrors('scripts/example.ts', '../api/import-bulk-file.js')).to.be.empty;
    expect(await layerErrors('scripts/example.ts', '../workers/main.js')).to.have.length(1);
  });
});
