// The mini game audience (CONTRACT.md 2 and 5): its routes, each authenticated by a signature
// in its body or headers, errors as {errCode, errMsg} from its own table (./errors.ts).
import type { Router } from 'express';
import type { ApiDeps } from '../deps';
import { audienceRouter } from '../http/audience-router';
import { applicationDeps } from '../../application/deps';
import { paymentsHandler } from './payments';
import { orderQueryHandler } from './order-query';
import { refundQueryHandler, refundRequestHandler } from './refunds';

export function minigameRouter(deps: ApiDeps): Router {
  return audienceRouter({ shape: 'errCode', logger: deps.logger }, (router) => {
    const application = applicationDeps(deps);
    router.post('/payments', paymentsHandler(deps, application));
    router.post('/orders/query', orderQueryHandler(deps));
    router.post('/refunds', refundRequestHandler(deps, application));
    router.post('/refunds/query', refundQueryHandler(deps));
  });
}
