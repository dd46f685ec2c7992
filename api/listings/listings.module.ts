import { QUEUE_NAMES } from '../../shared/jobs/queue-names.js';
import { ListingRepository } from '../../shared/repositories/listing.repository.js';
import type { ServiceModule } from '../service-module.js';
import { listingRoutes } from './listings.routes.js';
import { createListingService } from './listings.service.js';

/** §2.2: the listing service. Its id counter is raised past the ids MySQL holds before any write (and after every queue-Redis reconnect). */
export const listingsModule: ServiceModule = {
  name: 'listings',
  title: 'Spillway listing service',
  dependencies: ['redis_queue', 'redis_cache', 'mysql'],
  async build(context) {
    const listings = new ListingRepository(context.connections.mysql);
    await context.ids.keepAbove('listings', () => listings.maxId());
    const service = createListingService({
      queue: context.queues.persistListings,
      queueEvents: context.queueEvents(QUEUE_NAMES.persistListings),
      ids: context.ids,
      cache: context.cache,
      store: listings,
    });
    return {
      routes: listingRoutes(service, { ...context.config.http, bulk: context.config.bulk }),
      // The replicate queue is fed by this queue's worker: a stalled Mongo backs writes up too.
      writeQueues: [context.queues.persistListings, context.queues.replicate],
    };
  },
};
