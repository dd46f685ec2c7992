import { QUEUE_NAMES } from '../../infra/queues/queue-names.js';
import { persistOrderJobSchema } from '../writes/order-jobs.js';
import type { KeyedResource } from './keyed-resource.js';

/** §2.5, §9: a vehicle order, keyed by its ObjectId; versions applied in order; kept 3 days. */
export const ordersResource: KeyedResource = {
  entity: 'orders',
  resourceKey: 'order',
  keyField: 'id',
  queue: QUEUE_NAMES.persistOrders,
  jobSchema: persistOrderJobSchema,
};
