/**
 * Writes every service's OpenAPI document to test/fixtures/openapi/<service>.json.
 * First run before the route-table redesign (issue 16), so that the e2e test
 * shows the documents generated from the route tables are the same ones; run
 * again only with a deliberate change of the contract (and commit the diff):
 *   npx tsx test/support/write-openapi-fixtures.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import { createServiceApps } from '../../api/create-apps.js';
import { closeConnections, openConnections } from '../../shared/infra/process/connections.js';
import { listen } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { http } from './http.js';
import { testConfig } from './test-config.js';

export const OPENAPI_FIXTURES = join(import.meta.dirname, '..', 'fixtures', 'openapi');

async function main(): Promise<void> {
  const config = testConfig();
  const connections = await openConnections(config);
  const apps = await createServiceApps(
    config,
    connections,
    createLogger({ level: 'silent', name: 'fixtures' }),
  );
  mkdirSync(OPENAPI_FIXTURES, { recursive: true });
  try {
    for (const name of AVAILABLE_SERVICES) {
      const server = await listen(apps.app(name), config.services[name], config.httpServer);
      try {
        const answer = await http('GET', `${server.url}/api/openapi.json`);
        writeFileSync(
          join(OPENAPI_FIXTURES, `${name}.json`),
          `${JSON.stringify(answer.body, null, 2)}\n`,
        );
      } finally {
        await server.close();
      }
    }
  } finally {
    await apps.close();
    await closeConnections(connections);
  }
}

if (process.argv[1] === import.meta.filename) await main();
