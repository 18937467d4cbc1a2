// JSON logs (pino). Secrets never reach a log line: the paths below are censored wherever they
// appear, and code logs orders by orderId/appId/outTradeNo, never by their signed material.
import pino, { type Logger } from 'pino';

export type { Logger };

const SECRET_KEYS = [
  'appKey',
  'app_key',
  'sessionKey',
  'session_key',
  'superappSecret',
  'adminToken',
  'metricsToken',
  // Temporal Cloud's API key (TEMPORAL_API_KEY), as the config and the SDK's options name it.
  'temporalApiKey',
  'apiKey',
  'secret',
  'paySig',
  'signature',
  'authorization',
  'Authorization',
  'x-vpay-signature',
  'pay-sig',
];

export function createLogger(level = 'info', base: Record<string, unknown> = {}, destination?: pino.DestinationStream): Logger {
  const options: pino.LoggerOptions = {
    level,
    base: { service: 'vpay', ...base },
    timestamp: pino.stdTimeFunctions.isoTime,
    redact: {
      paths: [...SECRET_KEYS, ...SECRET_KEYS.map((k) => `*.${k}`), ...SECRET_KEYS.map((k) => `*.*.${k}`)],
      censor: '[redacted]',
    },
  };
  return destination ? pino(options, destination) : pino(options);
}

/** The fields every log line about an order carries. */
export function orderFields(o: { orderId: string; appId: string; outTradeNo: string }) {
  return { orderId: o.orderId, appId: o.appId, outTradeNo: o.outTradeNo };
}
