import { persistCustomerJobSchema } from '../writes/write-jobs.js';
import { QUEUE_NAMES } from '../../infra/queues/queue-names.js';
import type { KeyedResource } from './keyed-resource.js';

/** §2.4, §9: a customer, keyed by its uuid; versions applied in order, soft-deleted. */
export const customersResource: KeyedResource = {
  entity: 'customers',
  resourceKey: 'customer',
  keyField: 'uuid',
  queue: QUEUE_NAMES.persistCustomers,
  jobSchema: persistCustomerJobSchema,
};
