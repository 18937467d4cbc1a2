// The order ID vpay gives a new purchase (the superapp and the developer see it).
import { randomBytes } from 'node:crypto';

/** Sortable by creation time, unique, and without ':' (it is not part of the workflow ID). */
export const newOrderId = (): string => `ord${Date.now().toString(36)}${randomBytes(8).toString('hex')}`;
