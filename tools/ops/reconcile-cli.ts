// `npm run reconcile`: checks that the orders in PostgreSQL, the purchase workflows in Temporal and
// (optionally) the developer's delivery log agree, and says which orders do not (tools/ops/reconcile.ts);
// and that the console's rows do not contradict each other (tools/ops/reconcile-console.ts).
//
//   npm run reconcile -- [--since ISO] [--until ISO] [--stuck-after-ms N] [--deliveries log.jsonl]
//                        [--task-queue NAME | --any-task-queue] [--repair] [--json]
//
// Connects with the usual environment (DATABASE_URL, TEMPORAL_ADDRESS, TEMPORAL_NAMESPACE,
// TEMPORAL_TASK_QUEUE, DELIVERY_TASK_QUEUE; TEMPORAL_TLS* and TEMPORAL_API_KEY for a TLS cluster or Temporal Cloud).
// Without DATABASE_URL it uses the embedded PostgreSQL of a running `npm start`
// (127.0.0.1:VPAY_PG_PORT, default 54329), and KEY_ROTATION_OVERLAP_MS as vpay does.
// Exit code: 0 when every order matches and neither the console's data nor the refunds have a finding, 1 otherwise, 2 on a
// usage, configuration or connection error. With --repair, orders awaiting payment whose workflow
// no longer runs are closed (workflow_lost) first, and the exit code says whether anything is left;
// console findings are never repaired.
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { Client, Connection } from '@temporalio/client';
import { loadConfig, ConfigError } from '../../lib/platform/config';
import { createDb, type Db } from '../../lib/db/db';
import { createLogger } from '../../lib/platform/logger';
import {
  describeTemporalConnection,
  temporalConnectionOptions,
  type TemporalConnectionOptions,
} from '../../lib/platform/temporal-connection';
import { reconcile, VERDICTS, type DeliveryLogEntry, type ReconcileReport } from './reconcile';
import { CONSOLE_KINDS, type ConsoleFinding } from './reconcile-console';
import { REFUND_KINDS, type RefundNoticeLogEntry } from './reconcile-refunds';

const USAGE = `usage: npm run reconcile -- [options]

  --since <ISO>            only orders created (workflows started), and audit entries written, at or
                           after this time (the console's other data is checked whole)
  --until <ISO>            ... and before this time (default: now)
  --stuck-after-ms <N>     a PAID order undelivered this long after its payment is stuck (default 600000)
  --deliveries <file>      the developer's delivery log, JSON lines {"orderId": "...", "ok": true|false};
                           a line with a "refundId" too is a refund notice (CONTRACT.md 8.3)
  --task-queue <name>      only workflows on this task queue (default: TEMPORAL_TASK_QUEUE or vpay-purchases)
  --any-task-queue         workflows on any task queue of the namespace
  --repair                 close (CLOSED, workflow_lost) every order awaiting payment whose workflow
                           no longer runs (terminated, reset away, past retention): a payment for
                           it is then refused (40902) and refunded; other problems, and every
                           console finding, are only reported
  --json                   print the report as JSON
  -h, --help               this text

Also checks refunds: each order's refunded and pending totals against its refunds, REFUNDED
against the amount refunded, each SUCCEEDED refund notified exactly once, no FAILED one notified,
no PENDING one without its workflow (report only).

Also checks that workers poll TEMPORAL_TASK_QUEUE and DELIVERY_TASK_QUEUE (default
<TEMPORAL_TASK_QUEUE>-delivery): the delivery queue unpolled while the workflow queue is polled is a
finding (its deliveries would wait for ever; docs/OPERATIONS.md).

Also checks the console's data: orders against their items, app keys against their versions,
secrets in the audit log, console users' roles against their teams (docs/OPERATIONS.md).

Environment: DATABASE_URL (default: the embedded PostgreSQL of \`npm start\`), TEMPORAL_ADDRESS
(default 127.0.0.1:7233), TEMPORAL_NAMESPACE (default "default"), KEY_ROTATION_OVERLAP_MS (as vpay's);
for a TLS cluster or Temporal Cloud, TEMPORAL_TLS, TEMPORAL_TLS_CERT, TEMPORAL_TLS_KEY, TEMPORAL_TLS_CA,
TEMPORAL_TLS_SERVER_NAME, TEMPORAL_API_KEY (docs/OPERATIONS.md).
Exit code: 0 every order matches and neither the console's data nor the refunds have a finding, 1 otherwise, 2 usage,
configuration or connection error.`;

class UsageError extends Error {}

const EMBEDDED_PG_URL = `postgres://postgres:postgres@127.0.0.1:${Number(process.env.VPAY_PG_PORT ?? 54329)}/vpay`;

function parseDate(flag: string, v: string | undefined): Date | undefined {
  if (v === undefined) return undefined;
  const d = new Date(v);
  if (!/^\d{4}-\d{2}-\d{2}/.test(v) || Number.isNaN(d.getTime())) throw new UsageError(`--${flag}: not an ISO 8601 time: ${v}`);
  return d;
}

function readDeliveries(file: string): { deliveries: DeliveryLogEntry[]; refundNotices: RefundNoticeLogEntry[] } {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--deliveries: cannot read ${file}: ${(err as Error).message}`);
  }
  const entries: DeliveryLogEntry[] = [];
  const refundNotices: RefundNoticeLogEntry[] = [];
  text.split('\n').forEach((line, i) => {
    if (!line.trim()) return;
    let e: unknown;
    try {
      e = JSON.parse(line);
    } catch {
      throw new UsageError(`--deliveries: ${file} line ${i + 1} is not JSON`);
    }
    const { orderId, ok, refundId } = (e ?? {}) as Record<string, unknown>;
    if (
      typeof orderId !== 'string' ||
      !orderId ||
      typeof ok !== 'boolean' ||
      (refundId !== undefined && (typeof refundId !== 'string' || !refundId))
    ) {
      throw new UsageError(`--deliveries: ${file} line ${i + 1} is not {"orderId": string, "ok": boolean, "refundId"?: string}`);
    }
    if (typeof refundId === 'string') refundNotices.push({ refundId, ok });
    else entries.push({ orderId, ok });
  });
  return { deliveries: entries, refundNotices };
}

function parseCli(argv: string[]) {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        since: { type: 'string' },
        until: { type: 'string' },
        'stuck-after-ms': { type: 'string' },
        deliveries: { type: 'string' },
        'task-queue': { type: 'string' },
        'any-task-queue': { type: 'boolean' },
        repair: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (err) {
    throw new UsageError((err as Error).message);
  }
  const since = parseDate('since', values.since);
  const until = parseDate('until', values.until);
  if (since && until && since >= until) throw new UsageError('--since must be before --until');
  let stuckAfterMs: number | undefined;
  if (values['stuck-after-ms'] !== undefined) {
    stuckAfterMs = Number(values['stuck-after-ms']);
    if (!/^\d+$/.test(values['stuck-after-ms']) || !Number.isSafeInteger(stuckAfterMs)) {
      throw new UsageError(`--stuck-after-ms: not a non-negative integer: ${values['stuck-after-ms']}`);
    }
  }
  if (values['task-queue'] !== undefined && values['any-task-queue']) {
    throw new UsageError('--task-queue and --any-task-queue exclude each other');
  }
  return {
    help: Boolean(values.help),
    json: Boolean(values.json),
    since,
    until,
    stuckAfterMs,
    log: values.deliveries !== undefined ? readDeliveries(values.deliveries) : undefined,
    taskQueue: values['task-queue'],
    anyTaskQueue: Boolean(values['any-task-queue']),
    repair: Boolean(values.repair),
  };
}

function printReport(r: ReconcileReport): void {
  const lines = ['verdict             orders', '------------------  ------'];
  for (const v of VERDICTS) lines.push(`${v.padEnd(18)}  ${String(r.counts[v]).padStart(6)}`);
  lines.push(`${'checked'.padEnd(18)}  ${String(r.checked).padStart(6)}`);
  if (r.repaired) lines.push(`${'repaired'.padEnd(18)}  ${String(r.repaired.length).padStart(6)}`);
  if (r.repaired?.length) {
    lines.push('', 'repaired (closed as workflow_lost; they match now):');
    for (const p of r.repaired) {
      lines.push(
        `order ${p.orderId}  app ${p.appId}  outTradeNo ${p.outTradeNo}  was: ${p.verdict}, row ${p.rowStatus ?? '-'}  workflow ${p.workflowStatus ?? '-'}  ${p.detail}`,
      );
    }
  }
  if (r.problems.length) {
    lines.push('', 'problems:');
    for (const p of r.problems) {
      lines.push(
        `${p.verdict.padEnd(18)}  order ${p.orderId ?? '-'}  app ${p.appId || '-'}  outTradeNo ${p.outTradeNo || '-'}  ` +
          `row ${p.rowStatus ?? '-'}  workflow ${p.workflowStatus ?? '-'}  ${p.detail}`,
      );
    }
  }
  lines.push('', 'console check              findings', '-------------------------  --------');
  for (const k of CONSOLE_KINDS) lines.push(`${k.padEnd(25)}  ${String(r.console.counts[k]).padStart(8)}`);
  if (r.console.findings.length) {
    lines.push('', 'console findings:');
    for (const f of r.console.findings) lines.push(`${f.kind.padEnd(25)}  app ${f.appId ?? '-'}  ${idsText(f)}  ${f.detail}`);
  }
  lines.push('', `refund check               findings  (${r.refunds.checked} refunds)`, '-------------------------  --------');
  for (const k of REFUND_KINDS) lines.push(`${k.padEnd(25)}  ${String(r.refunds.counts[k]).padStart(8)}`);
  if (r.refunds.findings.length) {
    lines.push('', 'refund findings:');
    for (const f of r.refunds.findings) {
      lines.push(`${f.kind.padEnd(25)}  app ${f.appId}  order ${f.ids.orderId}  refund ${f.ids.refundId ?? '-'}  ${f.detail}`);
    }
  }
  if (r.queues) {
    lines.push(
      '',
      'task queue                          type      pollers  last poll',
      '----------------------------------  --------  -------  ---------',
    );
    for (const q of r.queues.queues) {
      lines.push(
        `${`${q.taskQueue} (${q.role})`.padEnd(34)}  ${q.type.padEnd(8)}  ${String(q.pollers).padStart(7)}  ${q.lastPollAt ?? '-'}`,
      );
    }
    if (r.queues.findings.length) {
      lines.push('', 'task queue findings:');
      for (const f of r.queues.findings) lines.push(`${f.kind.padEnd(25)}  ${f.detail}`);
    }
  }
  const notOk = [
    ...(r.problems.length ? [`${r.problems.length} order(s)`] : []),
    ...(r.console.findings.length ? [`${r.console.findings.length} console finding(s)`] : []),
    ...(r.refunds.findings.length ? [`${r.refunds.findings.length} refund finding(s)`] : []),
    ...(r.queues?.findings.length ? [`${r.queues.findings.length} task queue finding(s)`] : []),
  ];
  lines.push(
    '',
    r.ok ? "OK: every order matches and the console's data agrees, and so do the refunds" : `NOT OK: ${notOk.join(' and ')} need attention`,
  );
  process.stdout.write(`${lines.join('\n')}\n`);
}

/** `orderId ord_1 productId gem` ... */
function idsText(f: ConsoleFinding): string {
  return Object.entries(f.ids)
    .map(([k, v]) => `${k} ${String(v)}`)
    .join('  ');
}

async function main(): Promise<number> {
  let cli: ReturnType<typeof parseCli>;
  let config: ReturnType<typeof loadConfig>;
  let temporalOptions: TemporalConnectionOptions;
  try {
    cli = parseCli(process.argv.slice(2));
    if (cli.help) {
      process.stdout.write(`${USAGE}\n`);
      return 0;
    }
    // Reconciliation needs neither secret; placeholders keep loadConfig from generating dev
    // secrets under DATA_DIR as a side effect. Nor does it call a superapp, so none must be named.
    const env = { ...process.env };
    for (const k of ['SUPERAPP_SECRET', 'ADMIN_TOKEN']) if (!env[k]) env[k] = 'unused-by-reconcile';
    if (!env.SUPERAPP_BASE_URL) env.SANDBOX = 'true';
    config = loadConfig(env);
    temporalOptions = temporalConnectionOptions(config);
  } catch (err) {
    if (err instanceof UsageError || err instanceof ConfigError) {
      process.stderr.write(`reconcile: ${err.message}\n\n${USAGE}\n`);
      return 2;
    }
    throw err;
  }

  const databaseUrl = config.databaseUrl ?? EMBEDDED_PG_URL;
  if (!config.databaseUrl) {
    process.stderr.write(`reconcile: DATABASE_URL is not set; using the embedded PostgreSQL of \`npm start\` (${redact(databaseUrl)})\n`);
  }
  let db: Db | undefined;
  let connection: Connection | undefined;
  try {
    // knex would print connection errors to stdout (spoiling --json); this script says them itself.
    db = createDb(databaseUrl, 4, createLogger('silent'));
    try {
      await db.raw('select 1 from orders limit 1');
    } catch (err) {
      const hint = config.databaseUrl ? '' : " (is `npm start` running? Otherwise set DATABASE_URL to vpay's database)";
      process.stderr.write(`reconcile: cannot read the orders table at ${redact(databaseUrl)}: ${(err as Error).message}${hint}\n`);
      return 2;
    }
    // Lazy, then connected: a connection that failed is still closed (finally), so its retries
    // do not keep the process alive.
    connection = Connection.lazy({ ...temporalOptions, connectTimeout: '5s' });
    try {
      await connection.ensureConnected();
    } catch (err) {
      process.stderr.write(
        `reconcile: cannot connect to Temporal at ${config.temporalAddress} (TEMPORAL_ADDRESS, ${describeTemporalConnection(config)}): ${(err as Error).message}\n`,
      );
      return 2;
    }
    const client = new Client({ connection, namespace: config.temporalNamespace });
    let report: ReconcileReport;
    try {
      report = await reconcile({
        db,
        client,
        deliveries: cli.log?.deliveries,
        refundNotices: cli.log?.refundNotices,
        stuckAfterMs: cli.stuckAfterMs,
        since: cli.since,
        until: cli.until,
        taskQueue: cli.anyTaskQueue ? undefined : (cli.taskQueue ?? config.taskQueue),
        repair: cli.repair,
        keyRotationOverlapMs: config.keyRotationOverlapMs,
        queues: { taskQueue: config.taskQueue, deliveryTaskQueue: config.deliveryTaskQueue },
      });
    } catch (err) {
      process.stderr.write(`reconcile: failed: ${(err as Error).message}\n`);
      return 2;
    }
    if (cli.json) process.stdout.write(`${JSON.stringify(report, null, 2)}\n`);
    else printReport(report);
    return report.ok ? 0 : 1;
  } finally {
    await connection?.close().catch(() => undefined);
    await db?.destroy().catch(() => undefined);
  }
}

/** The URL without its password, for messages. */
function redact(url: string): string {
  try {
    const u = new URL(url);
    if (u.password) u.password = '***';
    return u.toString();
  } catch {
    return '<unparseable DATABASE_URL>';
  }
}

main().then(
  (code) => {
    process.exitCode = code;
  },
  (err) => {
    process.stderr.write(`reconcile: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exitCode = 2;
  },
);
