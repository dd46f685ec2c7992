import { expect } from 'chai';
import { ConfigError } from '../../../config/index.js';
import { CREATED_RESOURCES } from '../../../shared/domain/resources/registry.js';
import { consumedQueues, workerModules } from '../../../workers/worker-registry.js';
import { boatsResource } from '../../fixtures/boats/boats.resource.js';

/** This build's queues, in the registry's order: the created resources', then the fixed ones. */
const BUILT_IN = [
  'persist-users',
  'persist-listings',
  'persist-people',
  'persist-customers',
  'replicate',
  'notify',
  'persist-orders',
];

/** The ConfigError `consumedQueues` throws, or none. */
function refusal(wanted: readonly string[], resources = CREATED_RESOURCES): string[] | undefined {
  try {
    consumedQueues(wanted, workerModules(resources));
    return undefined;
  } catch (error) {
    if (error instanceof ConfigError) return [...error.problems];
    throw error;
  }
}

describe('the queues a worker process consumes (WORKER_QUEUES, checked against its registry)', () => {
  it('consumes every queue its resources make when WORKER_QUEUES is unset', () => {
    expect(consumedQueues(undefined, workerModules(CREATED_RESOURCES))).to.deep.equal(BUILT_IN);
  });

  it('consumes the queues WORKER_QUEUES names, each once', () => {
    const modules = workerModules(CREATED_RESOURCES);
    expect(
      consumedQueues(['persist-listings', 'replicate', 'persist-listings'], modules),
    ).to.deep.equal(['persist-listings', 'replicate']);
  });

  it('refuses a queue it has no consumer for, naming it and the queues there are', () => {
    expect(refusal(['persist-users', 'persist-lisings', 'replciate'])).to.deep.equal([
      `WORKER_QUEUES: unknown "persist-lisings", "replciate"; expected some of ${BUILT_IN.join(', ')}`,
    ]);
  });

  it("takes a created resource's queue from its descriptor: nothing lists persist-boats by hand", () => {
    expect(refusal(['persist-boats'])).to.have.length(1);
    const resources = [...CREATED_RESOURCES, boatsResource];
    expect(boatsResource.queue).to.equal('persist-boats');
    expect(refusal(['persist-boats', 'replicate'], resources)).to.equal(undefined);
    expect(consumedQueues(undefined, workerModules(resources))).to.include('persist-boats');
  });
});
