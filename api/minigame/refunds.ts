// POST /v1/minigame/refunds and /v1/minigame/refunds/query (CONTRACT.md 8.2): a game backend asks
// for a refund, or reads one, authenticated by Pay-Sig over the path and the exact body with its
// app key. The routes parse and authenticate; application/refunds.ts decides.
import type { RequestHandler } from 'express';
import type { ApiDeps } from '../deps';
import { parseBody } from '../http/body';
import { authenticatePathSig } from './auth';
import { toMinigameRefundError } from './errors';
import { AppIdOnlySchema, GameRefundSchema, RefundQuerySchema } from '../../lib/domain/schemas';
import { REFUND_QUERY_PATH, REFUND_REQUEST_PATH } from '../../lib/domain/signatures';
import { refundView } from '../../lib/db/repos/refunds';
import { queryGameRefund, requestGameRefund } from '../../application/refunds';
import { RefundRefused } from '../../application/refusals';
import type { ApplicationDeps } from '../../application/deps';

const mapRefusal = (err: unknown): unknown => (err instanceof RefundRefused ? toMinigameRefundError(err) : err);

export function refundRequestHandler({ db, logger }: ApiDeps, application: ApplicationDeps): RequestHandler {
  return async (req, res) => {
    // Authentication first (401/40101 before any 400 for the rest of the body): only the appId is
    // needed to check Pay-Sig over the exact bytes; then the whole body is validated.
    const app = await authenticatePathSig(db, req, parseBody(req, AppIdOnlySchema).appId, REFUND_REQUEST_PATH);
    const body = parseBody(req, GameRefundSchema);
    try {
      const { refund, duplicate } = await requestGameRefund(application, app, body);
      logger.info(
        { refundId: refund.refundId, orderId: refund.orderId, appId: app.appId, status: refund.status, duplicate },
        'game refund answered',
      );
      res.json({ errCode: 0, refund: refundView(refund) });
    } catch (err) {
      throw mapRefusal(err);
    }
  };
}

export function refundQueryHandler({ db }: ApiDeps): RequestHandler {
  return async (req, res) => {
    const app = await authenticatePathSig(db, req, parseBody(req, AppIdOnlySchema).appId, REFUND_QUERY_PATH);
    const q = parseBody(req, RefundQuerySchema);
    try {
      res.json({ errCode: 0, refund: refundView(await queryGameRefund(db, app, q.outRefundNo)) });
    } catch (err) {
      throw mapRefusal(err);
    }
  };
}
