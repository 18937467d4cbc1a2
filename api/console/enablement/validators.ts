// Request schemas of payment enablement (CONTRACT.md 7.3).
import { z } from 'zod';
import { PAYMENT_REQUEST_STATUSES } from '../../../lib/db/repos/payment-requests';
import { isStorableText } from '../../../lib/domain/schemas';
import { PagingQuery } from '../validators';

/** 1..500 characters of well-formed text, kept as written. */
export const RequestMessage = z
  .string()
  .min(1)
  .max(500)
  .refine((s) => isStorableText(s) && s.trim().length > 0, 'must be 1..500 characters of text');

export const PaymentRequestBody = z.object({ message: RequestMessage });

export const PaymentRequestsQuery = PagingQuery.extend({ status: z.enum(PAYMENT_REQUEST_STATUSES).optional() });
