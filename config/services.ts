import type { EnvReader } from './env-parsers.js';

export const SERVICE_NAMES = [
  'users',
  'listings',
  'public',
  'customers',
  'orders',
  'people',
] as const;
export type ServiceName = (typeof SERVICE_NAMES)[number];

/**
 * A service a process was given beyond this build's (a test's resource),
 * named by `addedService`; it has no port here, its caller listens for it.
 */
export type AddedServiceName = string & { readonly addedService: true };

/** The name of a service a process hosts: one of SERVICE_NAMES, or an added one. A misspelt built-in name stays a type error. */
export type HostedServiceName = ServiceName | AddedServiceName;

export function addedService(name: string): AddedServiceName {
  return name as AddedServiceName;
}

/** Services that are not meant to be reached from outside: loopback by default, token when configured. */
export const INTERNAL_SERVICES: readonly ServiceName[] = ['users', 'listings'];

export interface ServiceAddress {
  readonly host: string;
  readonly port: number;
}

/** The listeners besides the services: the API process's ops listener, the workers' and cron's own. */
type OpsListenerName = 'ops' | 'workerOps' | 'cronOps';

interface Listener {
  readonly hostVariable: string;
  /** Also names the listener when two of them are given one port. */
  readonly portVariable: string;
  readonly defaultPort: number;
}

const LISTENERS: Readonly<Record<ServiceName | OpsListenerName, Listener>> = {
  users: {
    hostVariable: 'USER_SERVICE_HOST',
    portVariable: 'USER_SERVICE_PORT',
    defaultPort: 8000,
  },
  listings: {
    hostVariable: 'LISTING_SERVICE_HOST',
    portVariable: 'LISTING_SERVICE_PORT',
    defaultPort: 6000,
  },
  public: { hostVariable: 'PUBLIC_API_HOST', portVariable: 'PUBLIC_API_PORT', defaultPort: 7000 },
  customers: {
    hostVariable: 'CUSTOMER_SERVICE_HOST',
    portVariable: 'CUSTOMER_SERVICE_PORT',
    defaultPort: 8888,
  },
  orders: {
    hostVariable: 'ORDER_SERVICE_HOST',
    portVariable: 'ORDER_SERVICE_PORT',
    defaultPort: 8080,
  },
  people: {
    hostVariable: 'PEOPLE_SERVICE_HOST',
    portVariable: 'PEOPLE_SERVICE_PORT',
    defaultPort: 5000,
  },
  ops: { hostVariable: 'OPS_HOST', portVariable: 'OPS_PORT', defaultPort: 3000 },
  workerOps: {
    hostVariable: 'WORKER_OPS_HOST',
    portVariable: 'WORKER_OPS_PORT',
    defaultPort: 3001,
  },
  cronOps: { hostVariable: 'CRON_OPS_HOST', portVariable: 'CRON_OPS_PORT', defaultPort: 3002 },
};

export interface ListenerAddresses {
  readonly services: Readonly<Record<ServiceName, ServiceAddress>>;
  readonly ops: ServiceAddress;
  readonly workerOps: ServiceAddress;
  readonly cronOps: ServiceAddress;
}

/** Where every service and ops listener binds: `<NAME>_HOST` and `<NAME>_PORT` of each. */
export function readListenerAddresses(read: EnvReader): ListenerAddresses {
  const addressOf = (name: ServiceName | OpsListenerName): ServiceAddress => {
    const listener = LISTENERS[name];
    return {
      host: read.string(listener.hostVariable, '127.0.0.1'),
      port: read.port(listener.portVariable, listener.defaultPort),
    };
  };
  // Entries follow SERVICE_NAMES, so the result has exactly one address per service.
  const services = Object.fromEntries(
    SERVICE_NAMES.map((name) => [name, addressOf(name)]),
  ) as Record<ServiceName, ServiceAddress>;
  return {
    services,
    ops: addressOf('ops'),
    workerOps: addressOf('workerOps'),
    cronOps: addressOf('cronOps'),
  };
}

/** Records a problem for each two of the services and the ops listener bound to one host and port. */
export function checkDistinctPorts(read: EnvReader, addresses: ListenerAddresses): void {
  const seen = new Map<string, ServiceName | 'ops'>();
  const bound: [ServiceName | 'ops', ServiceAddress][] = [
    ...SERVICE_NAMES.map((name): [ServiceName, ServiceAddress] => [name, addresses.services[name]]),
    ['ops', addresses.ops],
  ];
  for (const [name, address] of bound) {
    // Port 0 asks the system for a free port: never a clash.
    if (address.port === 0) continue;
    const where = `${address.host}:${address.port}`;
    const other = seen.get(where);
    if (other) {
      read.problem(
        `${LISTENERS[other].portVariable} and ${LISTENERS[name].portVariable}: both are ${address.port}`,
      );
    }
    seen.set(where, name);
  }
}

/** The URL another process uses to reach a service listening on `address`. */
export function serviceBaseUrl(address: ServiceAddress): string {
  // A wildcard bind address is not somewhere to connect to; loopback reaches it.
  const host = address.host === '0.0.0.0' || address.host === '::' ? '127.0.0.1' : address.host;
  return `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
}

/**
 * INTERNET_FACING_SERVICES (default `public`): the services whose listener
 * faces the internet. They serve their routes, `/health` and their API docs;
 * `/metrics` and `/ready` (queue depths, dependency state, a ping of every
 * store per call) are served there only to a caller with PROBE_TOKEN, and not
 * at all without one: the ops port serves them. Internal listeners keep them.
 * PUBLIC_MAX_CONNECTIONS_PER_CLIENT caps the connections one address holds
 * there (behind a proxy every client has the proxy's address: cap there, 0 here).
 */
export function readEdge(read: EnvReader): {
  readonly services: readonly ServiceName[];
  readonly probeToken: string | undefined;
  readonly connectionsPerClient: number;
} {
  return {
    services: read.listOf('INTERNET_FACING_SERVICES', ['public'], SERVICE_NAMES),
    probeToken: read.optionalString('PROBE_TOKEN'),
    // A browser opens 6 per host, the client library 16: 64 leaves room; 0 turns the cap off.
    connectionsPerClient: read.int('PUBLIC_MAX_CONNECTIONS_PER_CLIENT', 64, {
      min: 0,
      max: 100_000,
    }),
  };
}
