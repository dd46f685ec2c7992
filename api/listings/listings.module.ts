import { listingsResource } from '../../shared/domain/resources/listings.resource.js';
import { createdResourceModule } from '../resources/created-resource.module.js';
import { listingRoutes } from './listings.routes.js';
import { createListingService } from './listings.service.js';

/** §2.2: the listing service. */
export const listingsModule = createdResourceModule({
  name: 'listings',
  title: 'Spillway listing service',
  resource: listingsResource,
  service: createListingService,
  routes: (service, config) => listingRoutes(service, { ...config.http, bulk: config.bulk }),
});
