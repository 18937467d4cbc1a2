// The superapp audience (CONTRACT.md 3): routes the superapp's backend calls, signed with the
// shared secret (./auth.ts), errors as {returnCode, returnMessage} from its own table (./errors.ts).
import type { Router } from 'express';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { applicationDeps } from '../../application/deps';
import { paymentCallbackHandler } from './payment-callback';
import { superappRefundHandler } from './refunds';

export function superappRouter(deps: ApiDeps): Router {
  return audienceRouter({ shape: 'returnCode', logger: deps.logger }, (router) => {
    const application = applicationDeps(deps);
    router.post('/payment-callback', paymentCallbackHandler(deps, application));
    router.post('/refunds', superappRefundHandler(deps, application));
  });
}
