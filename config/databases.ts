import type { EnvReader } from './env-parsers.js';
import type { Config } from './types.js';

/** MYSQL_URL and MYSQL_POOL_SIZE. */
export function readMysql(read: EnvReader): Config['mysql'] {
  return {
    url: read.url('MYSQL_URL', 'mysql://spillway:spillway@127.0.0.1:3306/spillway', ['mysql:']),
    poolSize: read.int('MYSQL_POOL_SIZE', 20, { min: 1, max: 1000 }),
  };
}

/** MONGO_URL. */
export function readMongo(read: EnvReader): Config['mongo'] {
  return {
    url: read.url('MONGO_URL', 'mongodb://127.0.0.1:27017/spillway', ['mongodb:', 'mongodb+srv:']),
  };
}
