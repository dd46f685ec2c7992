import { QUEUE_NAMES } from '../../shared/infra/queues/queue-names.js';
import { ReplicaRepository } from '../../shared/domain/repositories/replica.repository.js';
import { batchingOf, type WorkerModule } from '../worker-module.js';
import { createReplicaCommitters, createReplicateProcessor } from './replicate.processor.js';

/** Change events → journaled, version-checked Mongo copies, one bulk write per batch. */
export const replicateModule: WorkerModule = {
  name: 'replicate',
  dependencies: ['mongo'],
  build({ config, connections, logger, hooks, resources }) {
    const committers = createReplicaCommitters(
      new ReplicaRepository(connections.mongo, resources),
      {
        ...batchingOf(config),
        onBatch: (size) => hooks.onBatch?.(QUEUE_NAMES.replicate, size),
      },
    );
    return [
      {
        queue: QUEUE_NAMES.replicate,
        processor: createReplicateProcessor(committers, logger),
        drain: async () => {
          await Promise.all([...committers.values()].map((c) => c.drain()));
        },
      },
    ];
  },
};
