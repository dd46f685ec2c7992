import { readFileSync } from 'node:fs';
import { expect } from 'chai';

const COMPOSE = readFileSync(new URL('../../../docker-compose.yml', import.meta.url), 'utf8');
/** Secrets compose must refuse to start without (issue 31 item 6). */
const REQUIRED = [
  'SERVICE_TOKEN',
  'REDIS_PASSWORD',
  'MYSQL_PASSWORD',
  'MYSQL_ROOT_PASSWORD',
  'MONGO_PASSWORD',
  'BOARD_PASSWORD',
];

describe('docker-compose.yml: no deployment runs on default secrets (issue 31 item 6)', () => {
  for (const name of REQUIRED) {
    it(`every use of ${name} is required (\${${name}:?…}), never defaulted`, () => {
      const uses = [...COMPOSE.matchAll(new RegExp(`\\$\\{${name}(:?[-?])?`, 'g'))];
      expect(uses.length, name).to.be.greaterThan(0);
      expect(uses.map((use) => use[1])).to.deep.equal(uses.map(() => ':?'));
    });
  }

  it('both Redis servers require the password, and every app URL carries it', () => {
    expect(COMPOSE.match(/--requirepass\n\s+- \$\{REDIS_PASSWORD:\?/g)).to.have.length(2);
    for (const role of ['QUEUE', 'CACHE']) {
      expect(COMPOSE).to.match(
        new RegExp(`REDIS_${role}_URL: redis://:\\$\\{REDIS_PASSWORD:\\?[^}]*\\}@redis-`),
      );
    }
  });

  it('publishes the public API, and the ops port (basic auth over HTTP) on loopback only', () => {
    const published = [...COMPOSE.matchAll(/^\s+- '([\d.:]+)'$/gm)].map((m) => m[1]!);
    expect(published).to.include('7000:7000');
    expect(published).to.include('127.0.0.1:3000:3000');
    expect(
      published.filter((p) => p.endsWith(':3000') && !p.startsWith('127.0.0.1:')),
    ).to.deep.equal([]);
  });
});
