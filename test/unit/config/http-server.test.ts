import { expect } from 'chai';
import { ConfigError, loadConfig } from '../../../config/index.js';

describe('loadConfig: HTTP listener timeouts', () => {
  it('reads the header, request and keep-alive bounds', () => {
    const config = loadConfig({
      HTTP_HEADERS_TIMEOUT_MS: '500',
      HTTP_REQUEST_TIMEOUT_MS: '1000',
      HTTP_KEEP_ALIVE_TIMEOUT_MS: '2000',
    });
    expect(config.httpServer).to.deep.equal({
      headersTimeoutMs: 500,
      requestTimeoutMs: 1000,
      keepAliveTimeoutMs: 2000,
      // The short bound of single writes and reads follows a long bound under its 30 s default.
      shortRequestTimeoutMs: 1000,
      maxConnections: 10_000,
    });
  });

  it('reads the short bound of ordinary routes and the connection bound (issue 31)', () => {
    const config = loadConfig({
      HTTP_SHORT_REQUEST_TIMEOUT_MS: '5000',
      HTTP_MAX_CONNECTIONS: '200',
    });
    expect(config.httpServer).to.include({
      requestTimeoutMs: 900_000,
      shortRequestTimeoutMs: 5000,
      maxConnections: 200,
    });
  });

  it('refuses a header bound longer than the request bound (Node would throw at listen)', () => {
    expect(() =>
      loadConfig({ HTTP_HEADERS_TIMEOUT_MS: '5000', HTTP_REQUEST_TIMEOUT_MS: '1000' }),
    ).to.throw(ConfigError, /HTTP_HEADERS_TIMEOUT_MS: must not exceed HTTP_REQUEST_TIMEOUT_MS/);
  });

  it('refuses a keep-alive bound of 0 (Node would keep idle connections forever)', () => {
    expect(() => loadConfig({ HTTP_KEEP_ALIVE_TIMEOUT_MS: '0' })).to.throw(
      ConfigError,
      /HTTP_KEEP_ALIVE_TIMEOUT_MS: expected 1000\.\.600000/,
    );
  });
});
