import { loadConfigOrExit, type ServiceAddress } from '../config/index.js';

/** Prints where each part of a local Spillway answers (`--shell` prints variables for start.sh). */
const config = loadConfigOrExit();
const url = ({ host, port }: ServiceAddress) =>
  `http://${host === '0.0.0.0' || host === '::' ? '127.0.0.1' : host}:${port}`;
const { services } = config;

if (process.argv.includes('--shell')) {
  process.stdout.write(
    [
      `USERS_URL=${url(services.users)}`,
      `LISTINGS_URL=${url(services.listings)}`,
      `PUBLIC_URL=${url(services.public)}`,
      `OPS_URL=${url(config.ops)}`,
      '',
    ].join('\n'),
  );
} else {
  const ops = url(config.ops);
  const rows: [string, string][] = [
    ['public API', `${url(services.public)}/public-api/listings`],
    ['user service', `${url(services.users)}/users`],
    ['listing service', `${url(services.listings)}/listings`],
    ['customer service', `${url(services.customers)}/customers  (legacy: /customer)`],
    ['order service', `${url(services.orders)}/orders  (legacy: /api/vehicle/order/)`],
    ['people service', `${url(services.people)}/people`],
    ['Bull Board', `${ops}/admin/queues  (user ${config.board.user})`],
    [
      'API docs',
      `${url(services.public)}/api/ on each service; for browsers: ${ops}/docs/<service>/`,
    ],
    [
      'metrics',
      `/metrics on each service, ${ops}, ${url(config.workerOps)}, ${url(config.cronOps)}`,
    ],
    [
      'cron',
      `order purge "${config.orders.purgeCron}", retention ${config.orders.retentionHours} h`,
    ],
  ];
  const width = Math.max(...rows.map(([name]) => name.length));
  process.stdout.write(
    [
      '',
      'Spillway is running:',
      ...rows.map(([n, u]) => `  ${n.padEnd(width)}  ${u}`),
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
}
