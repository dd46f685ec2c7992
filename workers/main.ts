import { loadConfigOrExit } from '../config/index.js';
import { closeConnections, openConnections } from '../shared/connections.js';
import { createLogger } from '../shared/logger.js';
import { exitOnSignals } from '../shared/shutdown.js';
import { createWorkers } from './create-workers.js';

const config = loadConfigOrExit();
const logger = createLogger({ level: config.logLevel, name: 'workers' });
const connections = await openConnections(config);
const running = createWorkers(config, connections, logger);
logger.info({ queues: running.workers.map((w) => w.name) }, 'workers started');

exitOnSignals(
  [
    { name: 'finish active jobs', run: () => running.close() },
    { name: 'close connections', run: () => closeConnections(connections) },
  ],
  { timeoutMs: config.shutdownTimeoutMs, logger },
);
