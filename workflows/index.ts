// The worker's workflows bundle: every workflow type vpay runs.
export { purchase, purchaseV2 } from './purchase';
export { redeliver } from './redeliver';
export { refund } from './refund';
