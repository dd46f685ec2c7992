import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'chai';
import type { ServiceName } from '../../config/index.js';
import { AVAILABLE_SERVICES } from '../../api/service-registry.js';
import { createServiceApps, type ServiceApps } from '../../api/create-apps.js';
import {
  closeConnections,
  openConnections,
  type Connections,
} from '../../shared/infra/process/connections.js';
import { listen, type Listening } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import { appRoutes } from '../support/app-routes.js';
import { http } from '../support/http.js';
import { testConfig } from '../support/test-config.js';
import { OPENAPI_FIXTURES } from '../support/write-openapi-fixtures.js';

interface OpenApiDocument {
  openapi: string;
  paths: Record<string, Record<string, { requestBody?: unknown; parameters?: { name: string }[] }>>;
}

function documentedRoutes(document: OpenApiDocument): string[] {
  return Object.entries(document.paths)
    .flatMap(([path, operations]) =>
      Object.keys(operations).map(
        (method) => `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`,
      ),
    )
    .sort();
}

describe('OpenAPI documents and Swagger UI (spec §2: generated from the validating schemas)', () => {
  const config = testConfig();
  let connections: Connections;
  let apps: ServiceApps;
  const listening = new Map<ServiceName, Listening>();

  before(async () => {
    connections = await openConnections(config);
    apps = await createServiceApps(
      config,
      connections,
      createLogger({ level: 'silent', name: 'test' }),
    );
    for (const name of AVAILABLE_SERVICES)
      listening.set(name, await listen(apps.app(name), config.services[name], config.httpServer));
  });
  after(async () => {
    await Promise.all([...listening.values()].map((l) => l.close()));
    await apps.close();
    await closeConnections(connections);
  });

  for (const name of AVAILABLE_SERVICES) {
    describe(`the ${name} service`, () => {
      it('documents every route the app answers, and the app answers every documented route', async () => {
        const answer = await http('GET', `${listening.get(name)!.url}/api/openapi.json`);
        expect(answer.status).to.equal(200);
        const document = answer.body as OpenApiDocument;
        expect(document.openapi).to.match(/^3\./);
        // The Swagger UI asset route is an implementation detail of serving /api/, not an operation.
        const served = appRoutes(apps.app(name)).filter((r) => !r.endsWith('/api/:asset'));
        expect(documentedRoutes(document)).to.deep.equal(served);
      });

      it('serves the document of test/fixtures/openapi (written before the route tables; changed only with the contract), key order aside', async () => {
        const answer = await http('GET', `${listening.get(name)!.url}/api/openapi.json`);
        const before: unknown = JSON.parse(
          readFileSync(join(OPENAPI_FIXTURES, `${name}.json`), 'utf8'),
        );
        // chai's deep equality compares objects key by key, whatever their order.
        expect(answer.body).to.deep.equal(before);
      });

      it('serves Swagger UI at /api/ from packaged assets (no CDN)', async () => {
        const base = listening.get(name)!.url;
        const page = await http('GET', `${base}/api/`);
        expect(page.status).to.equal(200);
        expect(page.text).to.include('swagger-ui-bundle.js');
        expect(page.text).to.not.match(/https?:\/\//);
        const bundle = await http('GET', `${base}/api/swagger-ui-bundle.js`);
        expect(bundle.status).to.equal(200);
        expect(bundle.text.length).to.be.greaterThan(100_000);
      });
    });
  }

  it('uses the same schema objects as the validators (no second copy)', async () => {
    const { listingCreateSchema } = await import('../../shared/domain/schemas/listing.schema.js');
    const document = apps.documents.get('listings') as OpenApiDocument;
    const body = (
      document.paths['/listings']!.post!.requestBody as {
        content: Record<
          string,
          { schema: { properties: Record<string, unknown>; required: string[] } }
        >;
      }
    ).content['application/json']!.schema;
    expect(Object.keys(body.properties)).to.deep.equal(Object.keys(listingCreateSchema.properties));
    expect(body.required).to.deep.equal([...listingCreateSchema.required]);
    expect(body.properties.listing_type).to.deep.equal(listingCreateSchema.properties.listing_type);
    // exclusiveMinimum 0 is rewritten to the OpenAPI 3.0 spelling.
    expect(body.properties.price).to.include({ minimum: 0, exclusiveMinimum: true });
  });
});
