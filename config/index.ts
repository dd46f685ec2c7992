import { readBulk } from './bulk.js';
import { readCache } from './cache.js';
import { checkCredentials, readBoard, readServiceToken } from './credentials.js';
import { readMongo, readMysql } from './databases.js';
import { ConfigError, EnvReader, type Env } from './env-parsers.js';
import { readHttp, readHttpServer, readIdempotency } from './http.js';
import { readBackpressure, readRateLimit } from './limits.js';
import { checkMailLogin, readMail, readNotify } from './mail.js';
import { readOrders } from './orders.js';
import { readPeople } from './people.js';
import { readOutbox, readQueue, readWorker } from './queue.js';
import { readRedis } from './redis.js';
import { readTracing } from './tracing.js';
import { checkDistinctPorts, readEdge, readListenerAddresses } from './services.js';
import type { Config } from './types.js';
import { readUpstreams } from './upstreams.js';

export type { BulkConfig } from './bulk.js';
export type { RedisCluster, RedisSentinel } from './redis.js';
export type { Config, HttpServerTimeouts } from './types.js';
export type { TracingConfig } from './tracing.js';
export {
  INTERNAL_SERVICES,
  SERVICE_NAMES,
  serviceBaseUrl,
  addedService,
  type AddedServiceName,
  type HostedServiceName,
  type ServiceAddress,
  type ServiceName,
} from './services.js';
export { ConfigError };

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const inner of Object.values(value)) deepFreeze(inner);
    Object.freeze(value);
  }
  return value;
}

/**
 * Reads and validates every environment variable Spillway uses, once.
 * Throws a ConfigError naming each bad variable; the result is frozen.
 */
export function loadConfig(env: Env = process.env): Config {
  const read = new EnvReader(env);
  // Problems are reported in the order they are found: this order (each section, then the
  // rules across sections) is part of the error message.
  const nodeEnv = read.oneOf('NODE_ENV', 'development', ['development', 'test', 'production']);
  const redis = readRedis(read);
  const settings: Omit<Config, 'upstreams'> = {
    env: nodeEnv,
    logLevel: read.oneOf('LOG_LEVEL', 'info', [
      'fatal',
      'error',
      'warn',
      'info',
      'debug',
      'trace',
      'silent',
    ]),
    redis,
    queue: readQueue(read, { cluster: redis.queueCluster !== undefined }),
    cache: readCache(read),
    mysql: readMysql(read),
    mongo: readMongo(read),
    ...readListenerAddresses(read),
    board: readBoard(read, nodeEnv),
    http: readHttp(read),
    httpServer: readHttpServer(read),
    bulk: readBulk(read),
    people: readPeople(read),
    worker: readWorker(read),
    mail: readMail(read),
    notify: readNotify(read),
    outbox: readOutbox(read),
    orders: readOrders(read),
    idempotency: readIdempotency(read),
    backpressure: readBackpressure(read),
    rateLimit: readRateLimit(read),
    serviceToken: readServiceToken(read),
    edge: readEdge(read),
    tracing: readTracing(read),
    shutdownTimeoutMs: read.int('SHUTDOWN_TIMEOUT_MS', 10_000, { min: 100, max: 600_000 }),
  };
  const config: Config = { ...settings, upstreams: readUpstreams(read, settings.services) };
  checkCredentials(read, config);
  checkMailLogin(read, config.mail);
  checkDistinctPorts(read, config);
  read.assertValid();
  return deepFreeze(config);
}

/** For entry files: a bad configuration stops the process with a message naming each variable. */
export function loadConfigOrExit(env: Env = process.env): Config {
  try {
    return loadConfig(env);
  } catch (error) {
    if (error instanceof ConfigError) {
      process.stderr.write(`${error.message}\n`);
      process.exit(2);
    }
    throw error;
  }
}
