import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** MYSQL_URL and MYSQL_POOL_SIZE. */
export function readMysql(read: EnvReader): Config['mysql'] {
  return {
    url: read.url('MYSQL_URL', 'mysql://spillway:spillway@127.0.0.1:3306/spillway', ['mysql:']),
    poolSize: read.int('MYSQL_POOL_SIZE', 20, { min: 1, max: 1000 }),
  };
}

/**
 * MONGO_URL and MONGO_POOL_SIZE. The pool bounds this process's concurrent
 * Mongo commands. Its default suits the local FerretDB, which writes one
 * document at a time: at 4 concurrent updates it stores about twice as many
 * per second as at 120 (docs/performance.md). A MongoDB deployment raises it
 * (docker-compose.yml does).
 */
export function readMongo(read: EnvReader): Config['mongo'] {
  return {
    url: read.url('MONGO_URL', 'mongodb://127.0.0.1:27017/spillway', ['mongodb:', 'mongodb+srv:']),
    poolSize: read.int('MONGO_POOL_SIZE', 4, { min: 1, max: 1000 }),
  };
}
