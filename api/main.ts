import { loadConfigOrExit } from '../config/index.js';
import { closeConnections, openConnections } from '../shared/connections.js';
import { createLogger } from '../shared/logger.js';
import { exitOnSignals } from '../shared/shutdown.js';
import { createServiceApps } from './create-apps.js';
import { listen } from './listen.js';
import { importPeopleAtStartup, peopleFileOption } from './people/startup-file.js';
import { selectServices } from './service-selection.js';
import { AVAILABLE_SERVICES } from './service-registry.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'api' });
const services = selectServices(process.argv.slice(2), AVAILABLE_SERVICES);
const peopleFile = peopleFileOption(process.argv.slice(2));
const connections = await openConnections(config);
const serviceApps = await createServiceApps(config, connections, logger, services);
const listening = await Promise.all(
  services.map((name) => listen(serviceApps.app(name), config.services[name])),
);
services.forEach((name, i) => logger.info({ service: name, url: listening[i]?.url }, 'listening'));
if (peopleFile) await importPeopleAtStartup(config, connections, logger, peopleFile);

exitOnSignals(
  [
    { name: 'stop http intake', run: () => Promise.all(listening.map((l) => l.close())) },
    { name: 'close queues', run: () => serviceApps.close() },
    { name: 'close connections', run: () => closeConnections(connections) },
  ],
  { timeoutMs: config.shutdownTimeoutMs, logger },
);
