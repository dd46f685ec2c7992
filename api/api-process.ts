import type { Config } from '../config/index.js';
import type { Tracing } from '../shared/infra/telemetry/tracing/tracing.js';
import { closeConnections, openConnections } from '../shared/infra/process/connections.js';
import { listen, shortRoutesOnly } from '../shared/infra/http/listen.js';
import { createLogger } from '../shared/infra/telemetry/logger.js';
import { readinessChecks } from '../shared/infra/process/readiness.js';
import { exitOnSignals } from '../shared/infra/process/shutdown.js';
import { createServiceApps } from './create-apps.js';
import type { GuardSeams } from './http/service-guards.js';
import { createOpsApp } from './ops/ops.app.js';
import { DeadLettersService } from '../shared/domain/dead-letters/dead-letters.service.js';
import { DeadLetterRepository } from '../shared/domain/repositories/dead-letter.repository.js';
import { importPeopleAtStartup, peopleFileOption } from './people/startup-file.js';
import { selectProcessParts } from './service-selection.js';
import { AVAILABLE_SERVICES } from './service-registry.js';

/** The API process: its services, the ops listener, the people file at startup, signal handling. */
export async function runApiProcess(
  config: Config,
  tracing: Tracing,
  argv: readonly string[],
  /** Only a test's entry passes these (test/support/entries/). */
  seams?: GuardSeams,
): Promise<void> {
  const logger = createLogger({ level: config.logLevel, name: 'api' });
  const { services, ops } = selectProcessParts(argv, AVAILABLE_SERVICES);
  const peopleFile = peopleFileOption(argv);
  const connections = await openConnections(config);
  const serviceApps = await createServiceApps(config, connections, logger, {
    names: services,
    seams,
  });
  // An internet-facing listener caps the connections one client address holds (issue 31).
  const edgeOptions = { connectionsPerClient: config.edge.connectionsPerClient };
  const listening = await Promise.all(
    services.map((name) =>
      listen(
        serviceApps.app(name),
        config.services[name],
        config.httpServer,
        config.edge.services.includes(name) ? edgeOptions : {},
      ),
    ),
  );
  // Re-drives add their jobs on the fail-fast producer connection, as the services do.
  const deadLetters = new DeadLettersService(
    config,
    new DeadLetterRepository(connections.mysql),
    connections.queueProducer,
  );
  if (ops) {
    const opsApp = createOpsApp({
      logger: logger.child({ service: 'ops' }),
      metrics: serviceApps.metrics,
      queues: serviceApps.queues,
      board: config.board,
      readiness: readinessChecks(connections, serviceApps.dependencies),
      documents: serviceApps.documents,
      deadLetters,
    });
    listening.push(await listen(opsApp, config.ops, shortRoutesOnly(config.httpServer)));
  }
  // The bound address (not only the configured one), so operators see what is reachable.
  for (const { url, server } of listening)
    logger.info({ url, address: server.address() }, 'listening');
  if (peopleFile) await importPeopleAtStartup(config, connections, logger, peopleFile);

  exitOnSignals(
    [
      { name: 'stop http intake', run: () => Promise.all(listening.map((l) => l.close())) },
      { name: 'close queues', run: () => Promise.all([serviceApps.close(), deadLetters.close()]) },
      { name: 'close connections', run: () => closeConnections(connections) },
      { name: 'send buffered traces', run: () => tracing.shutdown() },
    ],
    { timeoutMs: config.shutdownTimeoutMs, logger },
  );
}
