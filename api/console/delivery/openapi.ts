// Delivery configuration and keys (CONTRACT.md 7.4) as the OpenAPI document describes them: the
// bodies are the schemas ./routes.ts parses with.
import { z } from 'zod';
import { err, int, isoTime, ok } from '../../openapi/route-doc';
import { ConsoleCodes as C } from '../errors';
import { appNotFound, consoleGroup, needs } from '../openapi-support';
import { AppPath } from '../validators';
import { DeliveryConfigBody, TestPushBody } from './validators';

/** application/console/delivery.ts DeliveryConfig. */
const DeliveryConfig = {
  url: z.string().nullable(),
  testUrl: z.string().nullable(),
  notifyEnabled: z.boolean(),
  keyVersion: int.meta({ description: '0 before the first key' }),
  keyIssuedAt: isoTime.nullable(),
};

const path = '/apps/{appId}/delivery-config';

export const deliveryRoutes = consoleGroup('Console: delivery configuration and keys', 'CONTRACT.md 7.4.', [
  {
    method: 'get',
    path,
    summary: 'The delivery configuration (never the key)',
    params: AppPath,
    success: { status: 200, description: 'the configuration', schema: ok(DeliveryConfig) },
    errors: [appNotFound, needs('delivery.view')],
  },
  {
    method: 'put',
    path,
    summary: 'Configure delivery',
    description:
      'Replaces both URLs (an omitted or null testUrl removes it); notifyEnabled is unchanged when omitted. URLs start with ' +
      'http:// or https:// and carry no credentials; unless DELIVERY_ALLOW_PRIVATE they use port 80 or 443 and name no ' +
      'loopback or private host. The first save issues the app key and answers it once, as appKey.',
    params: AppPath,
    body: { schema: DeliveryConfigBody },
    success: {
      status: 200,
      description: 'the configuration; appKey only on the save that issued key version 1',
      schema: ok({ ...DeliveryConfig, appKey: z.string().optional() }),
    },
    errors: [appNotFound, needs('delivery.configure'), err(400, C.malformed, 'a URL the rules above refuse')],
  },
  {
    method: 'post',
    path: '/apps/{appId}/keys',
    summary: 'Issue a new app key',
    description:
      'Signatures made with the previous key are still accepted for KEY_ROTATION_OVERLAP_MS; notifications are signed with the new one.',
    params: AppPath,
    success: {
      status: 201,
      description: 'the new key, shown only here',
      schema: ok({ appKey: z.string(), keyVersion: int, previousKeyValidUntil: isoTime.nullable() }),
    },
    errors: [appNotFound, needs('delivery.configure')],
  },
  {
    method: 'post',
    path: `${path}/test`,
    summary: 'Send one signed sample notification',
    description:
      "Section 4's shape, OrderId beginning test_, header X-Vpay-Test: 1, to that env's URL, once. Answers 200 whatever " +
      'the endpoint did. No body: env 1.',
    params: AppPath,
    body: { schema: TestPushBody, optional: true },
    success: {
      status: 200,
      description: 'what the endpoint answered',
      schema: ok({
        ok: z.boolean(),
        httpStatus: int.nullable(),
        durationMs: z.number(),
        error: z.string().nullable(),
        responseBody: z.string().nullable().meta({ description: 'the first 1 KiB of the answer' }),
      }),
    },
    errors: [appNotFound, needs('delivery.configure'), err(409, C.wrongState, 'no URL for that env, or no key yet')],
  },
]);
