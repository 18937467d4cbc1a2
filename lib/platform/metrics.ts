// Prometheus metrics (prom-client). One registry per process, passed down like config; the API
// serves it on GET /metrics, and a worker run on its own serves it on WORKER_METRICS_PORT.
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

export function createMetrics(withDefaults = true) {
  const registry = new Registry();
  if (withDefaults) collectDefaultMetrics({ register: registry, prefix: 'vpay_' });
  const seconds = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300, 900, 3600];
  return {
    registry,
    paymentRequests: new Counter({
      name: 'vpay_payment_requests_total',
      help: 'Payment requests by result (ok, or the errCode answered)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    paymentRequestSeconds: new Histogram({
      name: 'vpay_payment_request_seconds',
      help: 'Latency of POST /v1/minigame/payments',
      labelNames: ['result'] as const,
      buckets: seconds,
      registers: [registry],
    }),
    paymentRequestsInFlight: new Gauge({
      name: 'vpay_payment_requests_in_flight',
      help: 'Payment requests waiting on their workflow now (bounded by PAYMENT_REQUESTS_MAX_IN_FLIGHT)',
      registers: [registry],
    }),
    paymentRequestsShed: new Counter({
      name: 'vpay_payment_requests_shed_total',
      help: 'Payment requests refused 503/50303 because PAYMENT_REQUESTS_MAX_IN_FLIGHT were already waiting',
      registers: [registry],
    }),
    callbacks: new Counter({
      name: 'vpay_payment_callbacks_total',
      help: 'Superapp payment callbacks by result (ok, duplicate, or the returnCode answered)',
      labelNames: ['result'] as const,
      registers: [registry],
    }),
    deliveryAttempts: new Counter({
      name: 'vpay_delivery_attempts_total',
      help: 'Delivery notification attempts by outcome',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    deliveryEndpointBusy: new Counter({
      name: 'vpay_delivery_endpoint_busy_total',
      help: "Delivery attempts refused before they were counted or sent, their endpoint's share of the delivery slots in use; each is tried again when a place should be free",
      registers: [registry],
    }),
    deliveryWakeups: new Counter({
      name: 'vpay_delivery_wakeups_total',
      help: 'Waiting orders told to retry their delivery at once because their endpoint recovered',
      registers: [registry],
    }),
    alerts: new Counter({
      name: 'vpay_alerts_total',
      help: 'Alerts raised, by type',
      labelNames: ['type'] as const,
      registers: [registry],
    }),
    callbackToDeliveredSeconds: new Histogram({
      name: 'vpay_callback_to_delivered_seconds',
      help: 'From the payment being recorded to the delivery being acknowledged',
      buckets: seconds,
      registers: [registry],
    }),
  };
}

export type Metrics = ReturnType<typeof createMetrics>;
