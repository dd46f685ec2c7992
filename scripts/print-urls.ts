import { loadConfigOrExit } from '../config/index.js';

/** Prints where each part of a local Spillway answers (`--shell` prints variables for start.sh). */
const config = loadConfigOrExit();
const url = (host: string, port: number) =>
  `http://${host === '0.0.0.0' ? '127.0.0.1' : host}:${port}`;
const users = url(config.services.users.host, config.services.users.port);
const listings = url(config.services.listings.host, config.services.listings.port);
const publicApi = url(config.services.public.host, config.services.public.port);
const orders = url(config.services.orders.host, config.services.orders.port);

if (process.argv.includes('--shell')) {
  process.stdout.write(`USERS_URL=${users}\nLISTINGS_URL=${listings}\nPUBLIC_URL=${publicApi}\n`);
} else {
  process.stdout.write(
    [
      '',
      'Spillway is running:',
      `  user service     ${users}/users        (health: ${users}/health, ready: ${users}/ready)`,
      `  listing service  ${listings}/listings     (health: ${listings}/health, ready: ${listings}/ready)`,
      `  public API       ${publicApi}/public-api/listings  (health: ${publicApi}/health)`,
      `  order service    ${orders}/orders       (legacy: ${orders}/api/vehicle/order/)`,
      '  workers          persist-users, persist-listings, persist-customers, persist-orders, replicate, notify',
      `  cron             order purge on "${config.orders.purgeCron}" (retention ${config.orders.retentionHours} h)`,
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}
