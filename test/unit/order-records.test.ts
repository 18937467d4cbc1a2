// The pure parts of the console's order records (CONTRACT.md 7.7): the date range and its ISO
// 8601 parsing, the Web UI link of a purchase, the redelivery's workflow ID, the CSV cell guard,
// and the TEMPORAL_UI_URL setting.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseIsoInstant, resolveDateRange } from '../../lib/domain/date-range';
import type { Client } from '@temporalio/client';
import { purchaseWorkflowUrl, retryDeliveryNow, startRedelivery } from '../../application/purchase-client';
import { redeliverWorkflowId } from '../../workflows/workflow-ids';
import { csvCell } from '../../api/console/orders/export-files';
import { loadConfig } from '../../lib/platform/config';
import { localStackEnv } from '../../tools/dev/local-stack-env';

describe('parseIsoInstant', () => {
  it.each([
    ['2026-11-30', '2026-11-30T00:00:00.000Z'],
    ['2026-11-30T08:15Z', '2026-11-30T08:15:00.000Z'],
    ['2026-11-30T08:15:30.123456Z', '2026-11-30T08:15:30.123Z'],
    ['2026-11-30T08:15:30', '2026-11-30T08:15:30.000Z'],
    ['2026-11-30T08:15:30+08:00', '2026-11-30T00:15:30.000Z'],
    ['2026-11-30T08:15:30 08:00', '2026-11-30T00:15:30.000Z'],
    ['2026-11-30T08:15:30-0130', '2026-11-30T09:45:30.000Z'],
    ['0050-01-01', '0050-01-01T00:00:00.000Z'],
    ['2028-02-29', '2028-02-29T00:00:00.000Z'],
  ])('reads %s as %s', (text, iso) => {
    expect(parseIsoInstant(text)?.toISOString()).toBe(iso);
  });

  it.each([
    '',
    'yesterday',
    '2026-02-30',
    '2026-13-01',
    '2026-11-30T24:00Z',
    '2026-11-30T08:60Z',
    '2026-11-30T08:15+25:00',
    '1700000000',
    '2026-11-30T08:15:30.1234567890Z',
    '0000-01-01',
  ])('refuses %j', (text) => {
    expect(parseIsoInstant(text)).toBeUndefined();
  });
});

describe('resolveDateRange', () => {
  const now = new Date('2026-11-30T12:00:00.000Z');
  it('defaults to the 7 days before now, or before the given to', () => {
    expect(resolveDateRange({}, now)).toEqual({ from: new Date('2026-11-23T12:00:00.000Z'), to: now });
    expect(resolveDateRange({ to: '2026-11-10' }, now)).toEqual({
      from: new Date('2026-11-03T00:00:00.000Z'),
      to: new Date('2026-11-10T00:00:00.000Z'),
    });
    expect(resolveDateRange({ from: '2026-01-01' }, now)).toEqual({ from: new Date('2026-01-01T00:00:00.000Z'), to: now });
  });
  it('refuses a malformed date, to before from, and a from before what is kept', () => {
    expect(resolveDateRange({ from: 'x' }, now)).toEqual({ refused: expect.stringMatching(/from/) });
    expect(resolveDateRange({ to: 'x' }, now)).toEqual({ refused: expect.stringMatching(/to/) });
    expect(resolveDateRange({ from: '2026-11-02', to: '2026-11-01' }, now)).toEqual({ refused: 'to is before from' });
    expect(resolveDateRange({ from: '2026-11-01', to: '2026-11-01' }, now)).toEqual({
      from: new Date('2026-11-01'),
      to: new Date('2026-11-01'),
    });
    expect(resolveDateRange({ from: '2024-01-01' }, now, { earliest: new Date('2025-11-30') })).toEqual({
      refused: expect.stringMatching(/oldest kept/),
    });
  });
});

describe("a purchase's links and IDs", () => {
  it('links the purchase in the Temporal Web UI when TEMPORAL_UI_URL is set, else null', () => {
    const keys = { appId: 'app1', outTradeNo: 'T|1@x' };
    expect(purchaseWorkflowUrl({ temporalUiUrl: 'https://ui.example/temporal', temporalNamespace: 'prod ns' }, keys)).toBe(
      'https://ui.example/temporal/namespaces/prod%20ns/workflows/purchase%3Aapp1%3AT%7C1%40x',
    );
    expect(purchaseWorkflowUrl({ temporalUiUrl: undefined, temporalNamespace: 'default' }, keys)).toBeNull();
  });
  it("names the redelivery by the purchase's business keys and the attempts its asker saw", () => {
    expect(redeliverWorkflowId('app1', 'T-1', 1)).toBe('redeliver:app1:T-1:1');
    // A request after the first redelivery's attempt is a new redelivery, not a join.
    expect(redeliverWorkflowId('app1', 'T-1', 2)).not.toBe(redeliverWorkflowId('app1', 'T-1', 1));
    expect(() => redeliverWorkflowId('a:b', 'T-1', 1)).toThrow();
    for (const bad of [-1, 1.5, Number.NaN]) expect(() => redeliverWorkflowId('app1', 'T-1', bad)).toThrow();
  });
});

describe("the redelivery's Temporal calls", () => {
  const config = { taskQueue: 'tq-1', workflowAnswerTimeoutMs: 30_000, deliveryTaskQueue: 'tq-1-delivery', separateDeliveryQueue: true };
  function fakeClient() {
    const calls: unknown[] = [];
    const deadlines: number[] = [];
    const client = {
      connection: { withDeadline: (d: number, fn: () => Promise<unknown>) => (deadlines.push(d), fn()) },
      workflow: {
        start: async (type: string, options: unknown) => void calls.push({ call: 'start', type, options }),
        getHandle: (workflowId: string) => ({
          signal: async (def: { name: string }) => void calls.push({ call: 'signal', workflowId, name: def.name }),
        }),
      },
    };
    return { client: client as unknown as Client, calls, deadlines };
  }

  it('starts one redeliver workflow per view of the order (a second request on it joins, a later one starts anew), found like its purchase', async () => {
    const { client, calls, deadlines } = fakeClient();
    await startRedelivery(client, config, { appId: 'app1', outTradeNo: 'T-1', orderId: 'ord1', attemptsSeen: 1 });
    expect(calls).toEqual([
      {
        call: 'start',
        type: 'redeliver',
        options: {
          workflowId: 'redeliver:app1:T-1:1',
          taskQueue: 'tq-1',
          args: [{ orderId: 'ord1', deliveryTaskQueue: 'tq-1-delivery' }],
          workflowIdConflictPolicy: 'USE_EXISTING',
          workflowIdReusePolicy: 'REJECT_DUPLICATE',
          typedSearchAttributes: [
            { key: expect.objectContaining({ name: 'VpayAppId' }), value: 'app1' },
            { key: expect.objectContaining({ name: 'VpayOutTradeNo' }), value: 'T-1' },
          ],
        },
      },
    ]);
    expect(deadlines).toHaveLength(1);
  });

  it("tries a PAID order now with its purchase's retryDeliveryNow signal, within the answer timeout", async () => {
    const { client, calls, deadlines } = fakeClient();
    await retryDeliveryNow(client, config, { appId: 'app1', outTradeNo: 'T-1' });
    expect(calls).toEqual([{ call: 'signal', workflowId: 'purchase:app1:T-1', name: 'retryDeliveryNow' }]);
    expect(deadlines).toHaveLength(1);
  });
});

describe('csvCell', () => {
  it('defuses text a spreadsheet would run as a formula, and leaves identifiers exact', () => {
    expect(csvCell('=HYPERLINK("http://x","y")')).toBe('\'=HYPERLINK("http://x","y")');
    expect(csvCell('+1 (555) 0100')).toBe("'+1 (555) 0100");
    expect(csvCell('@SUM(A1:A2)')).toBe("'@SUM(A1:A2)");
    expect(csvCell('\t=1')).toBe("'\t=1");
    expect(csvCell('-T_1.2|x*y')).toBe('-T_1.2|x*y');
    expect(csvCell('@player.1')).toBe('@player.1');
    expect(csvCell('gem pack = 100')).toBe('gem pack = 100');
  });
});

describe('TEMPORAL_UI_URL', () => {
  const base = { SUPERAPP_SECRET: 's'.repeat(32), ADMIN_TOKEN: 't'.repeat(32), SUPERAPP_BASE_URL: 'https://superapp.example' };
  it('is unset by default; given, it loses its trailing slashes', () => {
    expect(loadConfig(base).temporalUiUrl).toBeUndefined();
    expect(loadConfig({ ...base, TEMPORAL_UI_URL: 'https://temporal.example/ui//' }).temporalUiUrl).toBe('https://temporal.example/ui');
  });
  it('must be an http(s) URL without credentials', () => {
    expect(() => loadConfig({ ...base, TEMPORAL_UI_URL: 'ftp://temporal.example' })).toThrow(/TEMPORAL_UI_URL/);
    expect(() => loadConfig({ ...base, TEMPORAL_UI_URL: 'https://admin:pw@temporal.example' })).toThrow(/TEMPORAL_UI_URL/);
  });
  it("is the dev server's Web UI under npm start when it runs one (no TEMPORAL_ADDRESS)", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'vpay-config-'));
    expect(loadConfig(localStackEnv({ DATA_DIR: dir })).temporalUiUrl).toBe('http://127.0.0.1:8233');
    expect(loadConfig(localStackEnv({ DATA_DIR: dir, TEMPORAL_ADDRESS: 'temporal.internal:7233' })).temporalUiUrl).toBeUndefined();
    expect(loadConfig(localStackEnv({ DATA_DIR: dir, TEMPORAL_UI_URL: 'http://ui.local:8080' })).temporalUiUrl).toBe(
      'http://ui.local:8080',
    );
    fs.rmSync(dir, { recursive: true });
  });
});
