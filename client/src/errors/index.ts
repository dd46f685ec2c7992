export { SpillwayError } from './spillway-error.js';
export { ItemRejectedError } from './item-rejected-error.js';
export {
  DeliveryFailedError,
  type DeliveryFailedDetails,
  type DeliveryFailure,
} from './delivery-failed-error.js';
export { ClientClosedError } from './client-closed-error.js';
