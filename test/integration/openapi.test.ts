// CONTRACT.md 9 on the real stack: GET /openapi.json is a valid OpenAPI 3.1 document of exactly the
// routes Express serves (walked from the app's router, so a route added without its description, or
// described but not mounted, fails here, naming it), its errors are its audiences' codes, real
// answers match it, and GET /docs renders it from this server's own files.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import SwaggerParser from '@apidevtools/swagger-parser';
import type express from 'express';
import { createExpressApp } from '../../api/create-app';
import { routeGroups } from '../../api/openapi/document';
import { documentOptionsOf } from '../../api/openapi/router';
import type { RouteDoc } from '../../api/openapi/route-doc';
import { MinigameCodes } from '../../api/minigame/errors';
import { SuperappCodes } from '../../api/superapp/errors';
import { AdminCodes } from '../../api/admin/errors';
import { ConsoleCodes } from '../../api/console/errors';
import { SandboxCodes } from '../../api/sandbox/errors';
import { HealthCodes } from '../../api/health';
import { createLogger } from '../../lib/platform/logger';
import { safePostJson } from '../../lib/outbound/safe-post';
import type { Config } from '../../lib/platform/config';
import { admin, call, queryOrder, requestPayment, setupApp, signData } from '../support/minigame';
import { consoleCall } from '../support/console';
import { startVpay, type Vpay } from '../support/vpay';

let vpay: Vpay;
let doc: any;

beforeAll(async () => {
  // The sandbox mounted and METRICS_TOKEN set (startVpay sets it): every optional route is served.
  vpay = await startVpay({}, { sandbox: true });
  const r = await fetch(`${vpay.url}/openapi.json`);
  expect(r.status).toBe(200);
  expect(r.headers.get('content-type')).toMatch(/^application\/json/);
  doc = await r.json();
});
afterAll(async () => {
  await vpay?.stop();
});

const METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace'];

/**
 * Every route the app serves, as `METHOD /path/{param}`: Express 5's router stack walked down
 * through each mounted router (router 2's layers keep their mount path as `rawPath`). A layer the
 * walk cannot read fails the test rather than being skipped.
 */
function servedRoutes(app: express.Express): string[] {
  const routes: string[] = [];
  const walk = (stack: any[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        const path: unknown = layer.route.path;
        if (typeof path !== 'string') throw new Error(`a route under ${prefix || '/'} has a path that is not a string: ${String(path)}`);
        for (const [method, on] of Object.entries(layer.route.methods as Record<string, boolean>)) {
          if (on) routes.push(`${method.toUpperCase()} ${prefix}${path.replace(/:(\w+)/g, '{$1}')}`);
        }
      } else if (Array.isArray(layer.handle?.stack)) {
        const mount: unknown = layer.rawPath;
        if (typeof mount !== 'string') throw new Error(`a router mounted under ${prefix || '/'} has no readable mount path`);
        walk(layer.handle.stack, mount === '/' ? prefix : `${prefix}${mount}`);
      }
    }
  };
  walk((app as any).router.stack, '');
  return routes.sort();
}

const documentedRoutes = (d: any): string[] =>
  Object.entries(d.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, item]) =>
      Object.keys(item)
        .filter((m) => METHODS.includes(m))
        .map((m) => `${m.toUpperCase()} ${path}`),
    )
    .sort();

/** Served and documented must be the same set; each difference is named. */
function expectSameRoutes(app: express.Express, d: any) {
  const served = servedRoutes(app);
  const documented = documentedRoutes(d);
  expect({
    servedButNotDocumented: served.filter((r) => !documented.includes(r)),
    documentedButNotServed: documented.filter((r) => !served.includes(r)),
  }).toEqual({ servedButNotDocumented: [], documentedButNotServed: [] });
  expect(new Set(served).size).toBe(served.length);
}

/** The same stack's app built on another configuration, served on a free port. */
async function withApp<T>(config: Config, f: (url: string, app: express.Express) => Promise<T>): Promise<T> {
  const app = createExpressApp({
    db: vpay.api.db,
    client: vpay.api.client,
    config,
    logger: createLogger('silent'),
    metrics: vpay.metrics,
    post: safePostJson,
  });
  const server = http.createServer(app);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  try {
    return await f(`http://127.0.0.1:${(server.address() as AddressInfo).port}`, app);
  } finally {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

describe('GET /openapi.json', () => {
  it('is a valid OpenAPI 3.1 document', async () => {
    expect(doc.openapi).toMatch(/^3\.1\.\d+$/);
    // The validator dereferences what it is given: it gets a copy.
    await expect(SwaggerParser.validate(structuredClone(doc))).resolves.toBeDefined();
  });

  it('describes exactly the routes Express serves, the sandbox and /metrics included', () => {
    expect(documentedRoutes(doc)).toEqual(expect.arrayContaining(['POST /sandbox/orders/{orderId}/pay', 'GET /metrics']));
    expectSameRoutes(vpay.api.app, doc);
  });

  it('without the sandbox or METRICS_TOKEN, describes exactly the routes served then', async () => {
    const config: Config = { ...vpay.config, sandboxEnabled: false, metricsToken: undefined };
    expect(documentOptionsOf({ config })).toEqual({ sandbox: false, metrics: false });
    await withApp(config, async (url, app) => {
      const r = await fetch(`${url}/openapi.json`);
      expect(r.status).toBe(200);
      const other: any = await r.json();
      expect(Object.keys(other.paths).filter((p) => p.startsWith('/sandbox') || p === '/metrics')).toEqual([]);
      expectSameRoutes(app, other);
    });
  });

  it("documents the contract's routes", () => {
    const routes = documentedRoutes(doc);
    for (const r of [
      'POST /v1/minigame/payments',
      'POST /v1/minigame/orders/query',
      'POST /v1/superapp/payment-callback',
      'POST /v1/admin/apps',
      'PATCH /v1/admin/apps/{appId}',
      'PUT /v1/admin/apps/{appId}/items/{productId}',
      'PUT /v1/admin/apps/{appId}/sessions/{openId}',
      'GET /v1/console/me',
      'POST /v1/console/apps/{appId}/items/import',
      'GET /v1/console/item-template',
      'GET /healthz',
      'GET /openapi.json',
      'GET /docs',
    ]) {
      expect(routes).toContain(r);
    }
  });

  it("names each error by one of its audience's codes, with the status the code begins with, in the audience's shape", () => {
    // Which table and shape each prefix answers with (api/*/errors.ts, api/http/audience-router.ts).
    const audiences: [prefix: string, codes: Record<string, number>, shape: 'errCode' | 'returnCode'][] = [
      ['/v1/minigame/', MinigameCodes, 'errCode'],
      ['/v1/superapp/', SuperappCodes, 'returnCode'],
      ['/v1/admin/', AdminCodes, 'errCode'],
      ['/v1/console/', ConsoleCodes, 'errCode'],
      ['/sandbox/minigame/', SandboxCodes, 'returnCode'],
      ['/sandbox/orders/', SandboxCodes, 'errCode'],
      ['/', HealthCodes, 'errCode'],
    ];
    let checked = 0;
    for (const [path, item] of Object.entries(doc.paths as Record<string, any>)) {
      const [, table, shape] = audiences.find(([prefix]) => path.startsWith(prefix))!;
      for (const [method, op] of Object.entries(item as Record<string, any>)) {
        const where = `${method.toUpperCase()} ${path}`;
        const statuses = Object.keys(op.responses);
        expect({ where, success: statuses.some((s) => s.startsWith('2')) }).toEqual({ where, success: true });
        for (const status of statuses.filter((s) => Number(s) >= 400)) {
          const schema = op.responses[status].content['application/json'].schema;
          expect({ where, status, required: schema.required }).toEqual({
            where,
            status,
            required: expect.arrayContaining(shape === 'errCode' ? ['errCode', 'errMsg'] : ['returnCode', 'returnMessage']),
          });
          const codeSchema = schema.properties[shape];
          const codes: number[] = codeSchema.enum ?? [codeSchema.const];
          for (const code of codes) {
            expect({ where, status, code, inTable: Object.values(table).includes(code) }).toEqual({ where, status, code, inTable: true });
            // vpay's codes begin with their HTTP status: 40101 is a 401, 50302 a 503.
            expect({ where, code, status: String(Math.floor(code / 100)) }).toEqual({ where, code, status });
            checked++;
          }
        }
      }
    }
    expect(checked).toBeGreaterThan(100);
  });

  it('documents the payment request refused over PAYMENT_REQUESTS_MAX_IN_FLIGHT, and its Retry-After', () => {
    const busy = doc.paths['/v1/minigame/payments'].post.responses['503'];
    expect(busy.content['application/json'].schema.properties.errCode.enum).toEqual(expect.arrayContaining([50302, 50303]));
    expect(busy.headers['Retry-After'].schema).toMatchObject({ type: 'integer' });
    // Only the payment request is gated: the superapp's callback completes money already taken.
    expect(
      doc.paths['/v1/superapp/payment-callback'].post.responses['503'].content['application/json'].schema.properties.returnCode.enum,
    ).not.toContain(50303);
  });

  it('describes the request bodies with the schemas the routes validate them with', async () => {
    // The payment request's body is PaymentRequestSchema: a body the document refuses is refused.
    const op = doc.paths['/v1/minigame/payments'].post;
    const body = op.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['appId', 'openId', 'signData']);
    expect(body.properties.appId.pattern).toBe('^[A-Za-z0-9_\\-.@|*]{1,128}$');
    const r = await call(vpay, 'POST', '/v1/minigame/payments', { appId: 'has space', openId: 'u', signData: '{}' });
    expect({ status: r.status, errCode: r.json.errCode }).toEqual({ status: 400, errCode: 40001 });
    expect(doc.components.schemas.SignData.required).toEqual(expect.arrayContaining(['mode', 'productId', 'goodsPrice', 'outTradeNo']));
    // Strict console bodies say so, and the route refuses the extra field.
    expect(doc.paths['/v1/console/apps/{appId}/items'].post.requestBody.content['application/json'].schema.additionalProperties).toBe(
      false,
    );
    // The import takes its two file types, not JSON.
    expect(Object.keys(doc.paths['/v1/console/apps/{appId}/items/import'].post.requestBody.content).sort()).toEqual([
      'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
      'text/csv',
    ]);
  });

  it('names the security of each audience: bearer tokens and the signature headers', () => {
    const schemes = doc.components.securitySchemes;
    expect(schemes.superappSignature).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Vpay-Signature' });
    expect(schemes.superappTimestamp).toMatchObject({ type: 'apiKey', in: 'header', name: 'X-Vpay-Timestamp' });
    expect(schemes.paySig).toMatchObject({ type: 'apiKey', in: 'header', name: 'Pay-Sig' });
    expect(doc.paths['/v1/superapp/payment-callback'].post.security).toEqual([{ superappTimestamp: [], superappSignature: [] }]);
    expect(doc.paths['/v1/minigame/orders/query'].post.security).toEqual([{ paySig: [] }]);
    expect(doc.paths['/v1/admin/apps'].post.security).toEqual([{ adminToken: [] }]);
    expect(doc.paths['/v1/console/me'].get.security).toEqual([{ consoleToken: [] }]);
    expect(doc.paths['/metrics'].get.security).toEqual([{ metricsToken: [] }]);
    expect(doc.paths['/healthz'].get.security).toBeUndefined();
  });
});

describe('real answers match the document', () => {
  // The groups the document of this instance (sandbox on, METRICS_TOKEN set) is built from.
  const docs = routeGroups({ sandbox: true, metrics: true });
  const routeDoc = (method: string, path: string): RouteDoc => {
    for (const g of docs) {
      const r = g.routes.find((x) => x.method === method && g.prefix + x.path === path);
      if (r) return r;
    }
    throw new Error(`${method} ${path} is not described`);
  };
  /** The answer is the documented success body, or an error whose status and code the document lists. */
  const expectDocumented = (method: string, path: string, a: { status: number; json: any }) => {
    const op = doc.paths[path][method];
    expect({ path, status: a.status, documented: String(a.status) in op.responses }).toEqual({ path, status: a.status, documented: true });
    if (a.status < 300) {
      const schema = routeDoc(method, path).success.schema!;
      const r = schema.safeParse(a.json);
      expect({ path, issues: r.success ? [] : r.error.issues }).toEqual({ path, issues: [] });
    } else {
      const codeSchema = op.responses[String(a.status)].content['application/json'].schema.properties;
      const field = 'errCode' in codeSchema ? 'errCode' : 'returnCode';
      expect(codeSchema[field].enum ?? [codeSchema[field].const]).toContain(a.json[field]);
    }
  };

  it('for a purchase through the sandbox, the admin and the console', async () => {
    const su = vpay.adminToken;
    expectDocumented('get', '/healthz', await call(vpay, 'GET', '/healthz'));
    const t = await setupApp(vpay);
    expectDocumented('get', '/v1/admin/apps/{appId}', await admin(vpay, 'GET', `/v1/admin/apps/${t.appId}`));
    const item = { name: 'gems', price: t.price, currencyType: 'USD', released: true };
    expectDocumented(
      'put',
      '/v1/admin/apps/{appId}/items/{productId}',
      await admin(vpay, 'PUT', `/v1/admin/apps/${t.appId}/items/${t.productId}`, item),
    );
    const sd = signData(t);
    const paid = await requestPayment(vpay, t, sd);
    expectDocumented('post', '/v1/minigame/payments', paid);
    expect(paid.status).toBe(200);
    const outTradeNo = JSON.parse(sd).outTradeNo;
    expectDocumented('post', '/sandbox/orders/{orderId}/pay', await admin(vpay, 'POST', `/sandbox/orders/${paid.json.orderId}/pay`));
    expectDocumented('post', '/v1/minigame/orders/query', await queryOrder(vpay, t, outTradeNo));
    expectDocumented('post', '/v1/minigame/orders/query', await queryOrder(vpay, t, 'no-such-order'));
    expectDocumented('post', '/v1/minigame/payments', await call(vpay, 'POST', '/v1/minigame/payments', { appId: t.appId }));

    const team = await consoleCall(vpay, su, 'POST', '/teams', { name: 'docs team' });
    expectDocumented('post', '/v1/console/teams', team);
    const app = await consoleCall(vpay, su, 'POST', `/teams/${team.json.teamId}/apps`, { name: 'docs game' });
    expectDocumented('post', '/v1/console/teams/{teamId}/apps', app);
    const appId = app.json.appId;
    expectDocumented('get', '/v1/console/me', await consoleCall(vpay, su, 'GET', '/me'));
    expectDocumented('get', '/v1/console/apps', await consoleCall(vpay, su, 'GET', '/apps'));
    expectDocumented('get', '/v1/console/apps/{appId}', await consoleCall(vpay, su, 'GET', `/apps/${appId}`));
    expectDocumented(
      'get',
      '/v1/console/apps/{appId}/delivery-config',
      await consoleCall(vpay, su, 'GET', `/apps/${appId}/delivery-config`),
    );
    expectDocumented(
      'get',
      '/v1/console/apps/{appId}/review-exemption',
      await consoleCall(vpay, su, 'GET', `/apps/${appId}/review-exemption`),
    );
    expectDocumented('get', '/v1/console/apps/{appId}/items', await consoleCall(vpay, su, 'GET', `/apps/${t.appId}/items`));
    expectDocumented('get', '/v1/console/audit-log', await consoleCall(vpay, su, 'GET', '/audit-log'));
    expectDocumented('get', '/v1/console/payment-requests', await consoleCall(vpay, su, 'GET', '/payment-requests'));
    expectDocumented('get', '/v1/console/reviews', await consoleCall(vpay, su, 'GET', '/reviews'));
    const user = await consoleCall(vpay, su, 'POST', '/users', { name: 'docs user', role: 'mp_operator', teamId: team.json.teamId });
    expectDocumented('post', '/v1/console/users', user);
    expectDocumented('delete', '/v1/console/users/{userId}', await consoleCall(vpay, su, 'DELETE', `/users/${user.json.userId}`));
    expectDocumented('get', '/v1/console/users', await consoleCall(vpay, su, 'GET', '/users'));
    expectDocumented('get', '/v1/console/users', await consoleCall(vpay, su, 'GET', '/users?teamId=team_unknown'));
    expectDocumented('get', '/v1/console/teams', await consoleCall(vpay, su, 'GET', '/teams'));
    // Errors: another app's, a role without the permission, a body the schema refuses.
    expectDocumented('get', '/v1/console/apps/{appId}', await consoleCall(vpay, su, 'GET', '/apps/no-such-app'));
    expectDocumented('post', '/v1/console/apps/{appId}/items', await consoleCall(vpay, su, 'POST', `/apps/${appId}/items`, {}));
    expectDocumented('post', '/v1/console/teams', await consoleCall(vpay, 'not-a-token', 'POST', '/teams', { name: 'x' }));
  });
});

describe('GET /docs', () => {
  it('is an HTML page whose scripts, styles and icons all come from this server', async () => {
    const r = await fetch(`${vpay.url}/docs`);
    expect(r.status).toBe(200);
    expect(r.headers.get('content-type')).toMatch(/^text\/html/);
    expect(r.headers.get('content-security-policy')).toMatch(/default-src 'self'/);
    const html = await r.text();
    expect(html).not.toMatch(/https?:|\/\/[a-z]/i);
    const refs = [...html.matchAll(/(?:src|href)="([^"]*)"/g)].map((m) => m[1]);
    expect(refs.length).toBeGreaterThanOrEqual(3);
    for (const ref of refs) {
      // Same origin: a path on this server, never a scheme or a protocol-relative //host.
      expect(ref).toMatch(/^\/(?!\/)/);
      const asset = await fetch(`${vpay.url}${ref}`);
      expect({ ref, status: asset.status }).toEqual({ ref, status: 200 });
      const text = await asset.text();
      expect(text.length).toBeGreaterThan(0);
    }
    // The start script points Swagger UI at this document, with the online validator off.
    const script = await (await fetch(`${vpay.url}${refs.find((ref) => ref.endsWith('vpay-docs.js'))}`)).text();
    expect(script).toContain("url: '/openapi.json'");
    expect(script).toContain('validatorUrl: null');
    expect(script).not.toMatch(/https?:/);
  });

  it("serves only the page's files: not the package's own page (which loads the Petstore from the internet)", async () => {
    for (const path of ['/docs/index.html', '/docs/swagger-initializer.js', '/docs/..%2Fpackage.json', '/docs/nope']) {
      const r = await call(vpay, 'GET', path);
      expect({ path, status: r.status, errCode: r.json.errCode }).toEqual({ path, status: 404, errCode: 40404 });
    }
  });
});
