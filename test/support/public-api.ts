import { createServiceApps } from '../../api/create-apps.js';
import { listen } from '../../shared/infra/http/listen.js';
import { createLogger } from '../../shared/infra/telemetry/logger.js';
import type { Pipeline } from './pipeline.js';
import { testConfig } from './test-config.js';

export interface PublicApi {
  readonly url: string;
  close(): Promise<void>;
}

/**
 * One more public API app on a free port, built exactly as production builds
 * it, but with its own environment (typically USERS_BASE_URL /
 * LISTINGS_BASE_URL pointed at a proxy, a closed port or a silent server).
 */
export async function startPublicApi(
  pipeline: Pipeline,
  env: Record<string, string>,
): Promise<PublicApi> {
  const config = testConfig({
    USERS_BASE_URL: pipeline.urls.users,
    LISTINGS_BASE_URL: pipeline.urls.listings,
    ...env,
  });
  const logger = createLogger({ level: config.logLevel, name: 'test-public' });
  const apps = await createServiceApps(config, pipeline.connections, logger, { names: ['public'] });
  const listening = await listen(apps.app('public'), config.services.public, config.httpServer);
  return {
    url: listening.url,
    async close() {
      await listening.close();
      await apps.close();
    },
  };
}
