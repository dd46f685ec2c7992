import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { API_NODE_ARGS, WORKERS_NODE_ARGS } from '../../../bench/lib/build.js';

const read = (path: string) => readFileSync(new URL(`../../../${path}`, import.meta.url), 'utf8');

/**
 * The Node flags production runs with are written where each process is
 * launched; the bench measures with its own copy of them (bench/lib/build.ts).
 * The copies must agree, or the bench measures something production does not run.
 */
describe('Node flags: production and the bench run the same ones', () => {
  const compose = read('docker-compose.yml');

  it('the API in docker-compose.yml and the Dockerfile runs with API_NODE_ARGS', () => {
    const api = `['node', ${API_NODE_ARGS.map((flag) => `'${flag}'`).join(', ')}, 'dist/api/main.js']`;
    expect(compose).to.include(api);
    expect(read('Dockerfile')).to.include(
      `CMD ["node", ${API_NODE_ARGS.map((flag) => `"${flag}"`).join(', ')}, "dist/api/main.js"]`,
    );
  });

  it('the workers in docker-compose.yml and npm start run with WORKERS_NODE_ARGS', () => {
    const workers = `['node', ${WORKERS_NODE_ARGS.map((flag) => `'${flag}'`).join(', ')}, 'dist/workers/main.js']`;
    expect(compose).to.include(workers);
    expect(read('scripts/start.sh')).to.include(
      `node ${WORKERS_NODE_ARGS.join(' ')} --import tsx workers/main.ts`,
    );
  });
});
