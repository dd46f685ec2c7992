import { expect } from 'chai';
import { createClient, DEFAULT_SERVICES, type HttpRequest } from '../../../client/src/index.js';
import { settingsOf } from '../../../client/src/options.js';

describe('@spillway/client options', () => {
  it("defaults to npm start's loopback ports, one service per resource", () => {
    const { targets } = settingsOf({});
    expect(targets.listings).to.deep.equal({ origin: 'http://127.0.0.1:6000', pathPrefix: '' });
    expect(Object.keys(targets)).to.have.members(Object.keys(DEFAULT_SERVICES));
  });

  it('takes one baseUrl for every resource, each service overriding it; a base keeps its path', () => {
    const { targets } = settingsOf({
      baseUrl: 'https://gateway.example/spillway/',
      services: { orders: 'http://orders.internal:8080' },
    });
    expect(targets.users).to.deep.equal({
      origin: 'https://gateway.example',
      pathPrefix: '/spillway',
    });
    expect(targets.orders.origin).to.equal('http://orders.internal:8080');
  });

  it('refuses a bad option at once, naming it', () => {
    expect(() => createClient({ maxBuffered: 0 })).to.throw(RangeError, 'maxBuffered');
    expect(() => createClient({ batch: { maxItems: 1.5 } })).to.throw(RangeError, 'batch.maxItems');
    expect(() => createClient({ batch: { maxWaitMs: -1 } })).to.throw(
      RangeError,
      'batch.maxWaitMs',
    );
    expect(() => createClient({ services: { users: 'localhost:8000' } })).to.throw(
      TypeError,
      'services.users',
    );
    expect(() => createClient({ retry: { maxElapsedMs: Number.NaN } })).to.throw(
      RangeError,
      'retry.maxElapsedMs',
    );
  });

  it('sends its extra headers on every request, and its own user agent', async () => {
    const seen: HttpRequest[] = [];
    const spillway = createClient(
      { headers: { 'x-gateway-key': 'k' } },
      {
        transport: async (request) => {
          seen.push(request);
          return {
            status: 202,
            text: JSON.stringify({ result: true, order: { id: 'o1' }, job_id: 'j' }),
            header: () => undefined,
          };
        },
      },
    );
    await spillway.orders.remove('o1');
    expect(seen[0]?.headers).to.include({ 'x-gateway-key': 'k', 'user-agent': '@spillway/client' });
  });
});
