import { expect } from 'chai';
import { loadConfig, serviceBaseUrl } from '../../../config/index.js';

describe('serviceBaseUrl(address) and the public API’s upstream URLs', () => {
  it('connects to the address a service listens on', () => {
    expect(serviceBaseUrl({ host: 'users.internal', port: 8000 })).to.equal(
      'http://users.internal:8000',
    );
  });

  it('reaches a wildcard bind (0.0.0.0 or ::) on loopback', () => {
    expect(serviceBaseUrl({ host: '0.0.0.0', port: 6000 })).to.equal('http://127.0.0.1:6000');
    expect(serviceBaseUrl({ host: '::', port: 6000 })).to.equal('http://127.0.0.1:6000');
  });

  it('brackets an IPv6 host', () => {
    expect(serviceBaseUrl({ host: '::1', port: 8000 })).to.equal('http://[::1]:8000');
  });

  it('lets USERS_BASE_URL / LISTINGS_BASE_URL override the derived URLs, and refuses non-HTTP ones', () => {
    const config = loadConfig({
      USERS_BASE_URL: 'http://users:8000',
      LISTINGS_BASE_URL: 'https://listings.internal/api',
      UPSTREAM_TIMEOUT_MS: '250',
    });
    expect(config.upstreams).to.include({
      usersBaseUrl: 'http://users:8000',
      listingsBaseUrl: 'https://listings.internal/api',
      timeoutMs: 250,
    });
    expect(() => loadConfig({ USERS_BASE_URL: 'redis://x:1' })).to.throw(
      'USERS_BASE_URL: expected a http: or https: URL',
    );
    expect(() => loadConfig({ UPSTREAM_TIMEOUT_MS: '0' })).to.throw(
      'UPSTREAM_TIMEOUT_MS: expected 50..120000, got 0',
    );
  });
});
