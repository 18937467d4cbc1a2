// Shared pieces of the property-based fuzz tests (test/fuzz/*.test.ts): a raw HTTP sender that
// keeps the exact request for the failure report, the contract's answer invariant (CONTRACT.md 0),
// the "still serving" check run after every property, and the arbitraries that build hostile
// bodies, JSON texts and header values.
//
// Each failure names the exact request (method, path, headers, body; a Buffer body also as base64)
// and the answer. To replay a property's run, fast-check prints `seed` and `path`:
//   FUZZ_SEED=<seed> FUZZ_PATH=<path> npx jest test/fuzz/<file> -t '<test name>'
// (FUZZ_SEED alone replays the whole run, shrinking included.) Other knobs:
//   FUZZ_RUNS=<factor>          multiplies every numRuns (e.g. 10 for a deeper local run)
//   FUZZ_STATS=1                prints, per property, the answers seen by "status/code"
//   FUZZ_VERBOSE=1              fast-check's full execution tree on failure
//   FUZZ_SHRINK_MS=<ms>         shrinking budget of a failing property (default 3000)
//   FUZZ_REQUEST_TIMEOUT_MS=<ms> an unanswered request is a failure after this (default 5000)
//   FUZZ_TIME_LIMIT_MS=<ms>     backstop per property (default 30000)
import http from 'node:http';
import fc from 'fast-check';
import type { Vpay } from '../support/vpay';
import { paymentBody, signData, type TestApp } from '../support/minigame';

// ---------------------------------------------------------------------------------------------
// Running properties

const RUNS_FACTOR = Number(process.env.FUZZ_RUNS ?? '1') || 1;

/** A backstop: a property still running after this stops early (and passes if nothing failed). */
const PROPERTY_TIME_LIMIT_MS = Number(process.env.FUZZ_TIME_LIMIT_MS ?? '30000');

/**
 * How long a failing property may shrink. Shrinking replays requests against the real stack, and
 * a counterexample that hangs costs REQUEST_TIMEOUT_MS per attempt; past this budget the run
 * stops and reports the smallest counterexample found so far.
 */
const SHRINK_BUDGET_MS = Number(process.env.FUZZ_SHRINK_MS ?? '3000');

/** While a property runs: when its first failure was seen. */
let property: { failedAt?: number } | undefined;

/** Called before each request: inside a property past its shrink budget, stop the run. */
function checkShrinkBudget(): void {
  if (property?.failedAt !== undefined && Date.now() - property.failedAt > SHRINK_BUDGET_MS) {
    // A precondition failure that interrupts: fast-check ends the run and reports the failure found.
    throw new fc.PreconditionFailure(true);
  }
}

export function fuzzParams(numRuns: number): fc.Parameters<unknown> {
  const params: fc.Parameters<unknown> = {
    numRuns: Math.max(1, Math.round(numRuns * RUNS_FACTOR)),
    verbose: process.env.FUZZ_VERBOSE ? fc.VerbosityLevel.VeryVerbose : fc.VerbosityLevel.None,
    plugins: [fc.interruptAfterTimeLimit(PROPERTY_TIME_LIMIT_MS * RUNS_FACTOR)],
  };
  if (process.env.FUZZ_SEED) params.seed = Number(process.env.FUZZ_SEED);
  if (process.env.FUZZ_PATH) params.path = process.env.FUZZ_PATH;
  return params;
}

/**
 * Runs a property, then checks that vpay still serves (healthz and a valid payment), whether the
 * property passed or not; both failures are reported together.
 */
export async function assertProperty<Ts extends [unknown, ...unknown[]]>(
  prop: fc.IAsyncPropertyWithHooks<Ts>,
  numRuns: number,
  stillServing: () => Promise<void>,
): Promise<void> {
  let failure: unknown;
  const started = Date.now();
  stats = new Map();
  property = {};
  try {
    await fc.assert(prop, fuzzParams(numRuns) as fc.Parameters<Ts>);
  } catch (err) {
    failure = err;
  } finally {
    property = undefined;
  }
  if (process.env.FUZZ_STATS) {
    const line = [...stats.entries()]
      .sort((a, b) => b[1] - a[1])
      .map(([k, n]) => `${k}: ${n}`)
      .join(', ');
    console.log(`${expect.getState().currentTestName} (${Date.now() - started} ms)\n${line}`);
  }
  const t = Date.now();
  try {
    await stillServing();
    if (process.env.FUZZ_STATS) console.log(`still serving checked in ${Date.now() - t} ms`);
  } catch (err) {
    const first = failure instanceof Error ? failure.message : failure === undefined ? '(property passed)' : String(failure);
    throw new Error(`vpay stopped serving after the property.\n${String((err as Error)?.message ?? err)}\n\nProperty outcome:\n${first}`);
  }
  if (failure !== undefined) throw failure;
}

// ---------------------------------------------------------------------------------------------
// Sending requests

export type Body = string | Buffer | undefined;
export type HeaderList = Array<[string, string]>;

export interface Sent {
  method: string;
  path: string;
  headers: HeaderList;
  body: Body;
}

export interface Answer {
  status: number;
  contentType: string;
  text: string;
  json: any;
  isJson: boolean;
  ms: number;
}

/** A single request must be answered within this (a normal answer takes well under 1 s). */
export const REQUEST_TIMEOUT_MS = Number(process.env.FUZZ_REQUEST_TIMEOUT_MS ?? '5000');

const truncate = (s: string, n = 600) => (s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s);

/** The request as a reproducible description: a Buffer body is given as base64 too. */
export function describeRequest(req: Sent): string {
  const body =
    req.body === undefined
      ? '(none)'
      : Buffer.isBuffer(req.body)
        ? `Buffer ${truncate(JSON.stringify(req.body.toString('latin1')))} base64=${truncate(req.body.toString('base64'), 2000)}`
        : truncate(JSON.stringify(req.body), 2000);
  return `${req.method} ${truncate(req.path, 300)}\nheaders: ${truncate(JSON.stringify(req.headers), 800)}\nbody: ${body}`;
}

export function describeAnswer(a: Answer): string {
  return `HTTP ${a.status} (${a.ms} ms) content-type=${JSON.stringify(a.contentType)} body=${truncate(a.text, 600)}`;
}

/** A broken expectation; inside a property, the first one starts the shrink budget. */
export class Violation extends Error {
  constructor(message: string) {
    super(message);
    if (property && property.failedAt === undefined) property.failedAt = Date.now();
  }
}

/**
 * Sends exactly these bytes and headers, on a connection of its own that is closed afterwards
 * (Connection: close); a request unanswered after REQUEST_TIMEOUT_MS is a violation and its
 * socket is destroyed, so no connection outlives its request.
 */
export function send(vpay: Pick<Vpay, 'url'>, req: Sent): Promise<Answer> {
  checkShrinkBudget();
  const started = Date.now();
  const url = new URL(vpay.url);
  const body = req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body, 'utf8');
  // Given as raw pairs (duplicates kept), so Node adds nothing itself: Host and Connection are ours.
  const headers: Array<[string, string]> = [['host', url.host], ['connection', 'close'], ...req.headers];
  if (body !== undefined && !headers.some(([h]) => h.toLowerCase() === 'content-length'))
    headers.push(['content-length', String(body.length)]);
  return new Promise<Answer>((resolve, reject) => {
    const r = http.request({
      host: url.hostname,
      port: url.port,
      method: req.method,
      path: req.path,
      headers: headers.flat(),
      agent: false,
    });
    const timer = setTimeout(() => {
      r.destroy();
      reject(new Violation(`no answer within ${REQUEST_TIMEOUT_MS} ms\n${describeRequest(req)}`));
    }, REQUEST_TIMEOUT_MS);
    r.on('error', (err) => {
      clearTimeout(timer);
      reject(new Violation(`request failed: ${String(err)}\n${describeRequest(req)}`));
    });
    r.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('error', (err) => {
        clearTimeout(timer);
        reject(new Violation(`reading the answer failed: ${String(err)}\n${describeRequest(req)}`));
      });
      res.on('end', () => {
        clearTimeout(timer);
        const text = Buffer.concat(chunks).toString('utf8');
        let json: any;
        let isJson = false;
        try {
          json = JSON.parse(text);
          isJson = true;
        } catch {
          json = undefined;
        }
        const contentType = String(res.headers['content-type'] ?? '');
        resolve({ status: res.statusCode ?? 0, contentType, text, json, isJson, ms: Date.now() - started });
      });
    });
    r.end(body);
  });
}

// ---------------------------------------------------------------------------------------------
// The contract's answer invariant

export type Flavor = 'errCode' | 'returnCode';

/** Answers seen in the current property, by "status/code" (printed with FUZZ_STATS=1). */
let stats = new Map<string, number>();
const count = (key: string) => stats.set(key, (stats.get(key) ?? 0) + 1);

/**
 * Routes the superapp calls answer {returnCode, returnMessage} (CONTRACT.md 0), and so do the
 * sandbox superapp's, when it is mounted (the fuzz stacks run without it: /sandbox is then an
 * unknown route like any other).
 */
export const flavorOf = (path: string, sandbox = false): Flavor =>
  underPrefix(path, '/v1/superapp') || (sandbox && underPrefix(path, '/sandbox/minigame')) ? 'returnCode' : 'errCode';

/** The prefix itself (bare or with a query) or a path below it: what the router mounted there answers. */
const underPrefix = (path: string, prefix: string) => path === prefix || path.startsWith(`${prefix}/`) || path.startsWith(`${prefix}?`);

/**
 * What every answer to a client's request must look like: never a 5xx; a 4xx carries the JSON
 * error body of its route's flavor with an integer, non-zero code; a 2xx carries code 0.
 * Returns the answer for further route-specific checks.
 */
export function checkContractAnswer(req: Sent, a: Answer, flavor: Flavor = flavorOf(req.path)): Answer {
  const code = flavor === 'errCode' ? 'errCode' : 'returnCode';
  const msg = flavor === 'errCode' ? 'errMsg' : 'returnMessage';
  const fail = (why: string): never => {
    throw new Violation(`${why}\n--- request\n${describeRequest(req)}\n--- answer\n${describeAnswer(a)}`);
  };
  count(`${a.status}/${a.json?.[code] ?? '-'}`);
  if (a.status >= 500) fail(`a client mistake was answered with a server error (${a.status})`);
  if (!((a.status >= 200 && a.status < 300) || (a.status >= 400 && a.status < 500))) fail(`unexpected HTTP status ${a.status}`);
  if (!a.isJson || !/^application\/json\b/i.test(a.contentType)) fail('the answer is not JSON');
  if (a.json === null || typeof a.json !== 'object' || Array.isArray(a.json)) fail('the answer is not a JSON object');
  if (!Number.isInteger(a.json[code])) fail(`the answer has no integer ${code}`);
  if (a.status < 300) {
    if (a.json[code] !== 0) fail(`a 2xx answer must carry ${code} 0`);
  } else {
    if (a.json[code] === 0) fail(`an error answer must not carry ${code} 0`);
    if (typeof a.json[msg] !== 'string') fail(`the error answer has no string ${msg}`);
  }
  return a;
}

/** send + checkContractAnswer. */
export async function sendChecked(vpay: Pick<Vpay, 'url'>, req: Sent, flavor?: Flavor): Promise<Answer> {
  return checkContractAnswer(req, await send(vpay, req), flavor);
}

/** Asserts a specific rejection (status and code), on top of the contract invariant. */
export function expectRejected(
  req: Sent,
  a: Answer,
  allowed: Array<[status: number, code: number]>,
  flavor: Flavor = flavorOf(req.path),
): void {
  checkContractAnswer(req, a, flavor);
  const code = a.json[flavor];
  if (!allowed.some(([s, c]) => s === a.status && c === code)) {
    throw new Violation(
      `expected one of ${allowed.map(([s, c]) => `${s}/${c}`).join(', ')}, got ${a.status}/${code}\n--- request\n${describeRequest(req)}\n--- answer\n${describeAnswer(a)}`,
    );
  }
}

// ---------------------------------------------------------------------------------------------
// Stopping

/**
 * Stops vpay after a fuzz file. A request that hit a hang (a bug the properties report) leaves
 * its API handler waiting on a workflow update; closing the Temporal connection under it made
 * grpc throw an uncaught "Channel has been shut down" that crashed the jest process. So the
 * file's still-running workflows (its own task queue only) are terminated first, which ends those
 * waits, and only then is vpay stopped.
 */
export async function stopVpay(vpay: Vpay | undefined): Promise<void> {
  if (!vpay) return;
  try {
    const client = vpay.api.client;
    const running: string[] = [];
    for await (const wf of client.workflow.list({ query: `TaskQueue="${vpay.config.taskQueue}" AND ExecutionStatus="Running"` })) {
      running.push(wf.workflowId);
    }
    await Promise.allSettled(running.map((id) => client.workflow.getHandle(id).terminate('fuzz test file finished')));
    if (running.length > 0) await new Promise((r) => setTimeout(r, 300));
  } finally {
    await vpay.stop();
  }
}

// ---------------------------------------------------------------------------------------------
// After each property: vpay still answers healthz and takes a valid payment.

export async function expectStillServing(vpay: Vpay, app: TestApp): Promise<void> {
  const health = await send(vpay, { method: 'GET', path: '/healthz', headers: [], body: undefined });
  if (health.status !== 200 || health.json?.status !== 'ok') throw new Error(`GET /healthz: ${describeAnswer(health)}`);
  const req = jsonRequest('POST', '/v1/minigame/payments', JSON.stringify(paymentBody(app, signData(app))));
  const paid = await send(vpay, req);
  if (paid.status !== 200 || paid.json?.errCode !== 0 || paid.json?.status !== 'PREPAID') {
    throw new Error(`a valid payment request failed: ${describeAnswer(paid)}\n${describeRequest(req)}`);
  }
}

export const jsonRequest = (method: string, path: string, body: Body, headers: HeaderList = []): Sent => ({
  method,
  path,
  headers: [['content-type', 'application/json'], ...headers],
  body,
});

// ---------------------------------------------------------------------------------------------
// Arbitraries: strings, JSON value texts, hostile objects

/** Characters that break naive handling: NUL and other controls, lone surrogates, non-characters, quotes, escapes. */
export const dangerousChar = fc.constantFrom(
  '\u0000',
  '\u0000',
  '\u0001',
  '\u001b',
  '\u007f',
  '\ud800',
  '\udfff',
  '\uffff',
  '\u2028',
  '"',
  '\\',
  '%00',
);

/** Strings a careless client (or an attacker) sends: unicode, control characters, NUL, lone surrogates, long. */
const weirdStringBase: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: fc.string({ maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 40 }), weight: 2 },
  { arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }), weight: 1 },
  {
    // Mostly plain text with control characters, NUL, lone surrogates and non-characters mixed in.
    arbitrary: fc.string({
      unit: fc.oneof(
        { arbitrary: fc.constantFrom('a', 'Z', '0', '_', '-', ' '), weight: 4 },
        {
          arbitrary: fc.constantFrom(
            '\u0000',
            '\u0001',
            '\u001f',
            '\u007f',
            '\ud800',
            '\udc00',
            '\uffff',
            '\ufffe',
            '\u2028',
            '\u0085',
            '"',
            '\\',
          ),
          weight: 1,
        },
      ),
      minLength: 1,
      maxLength: 30,
    }),
    weight: 4,
  },
  {
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      'x\udfffy',
      '\ufeff',
      '\u202egnp.exe',
      '💸💸',
      'e\u0301',
      '%00',
      '%ZZ',
      '../../etc/passwd',
      "' OR 1=1 --",
      '${jndi:ldap://x}',
      '__proto__',
      'constructor',
      'prototype',
      'toString',
      'hasOwnProperty',
      'null',
      'NaN',
      'USD',
      'usd',
      'goods',
      '\r\n',
      '\t',
    ),
    weight: 4,
  },
  {
    arbitrary: fc.tuple(fc.constantFrom('x', 'é', '😀', '\u0000', '9'), fc.integer({ min: 60, max: 20_000 })).map(([c, n]) => c.repeat(n)),
    weight: 1,
  },
  // ISO 8601 times at the edges (year 0000 included, which JavaScript and the regexes accept) and odd offsets.
  {
    arbitrary: fc
      .tuple(
        fc.date({ min: new Date('0000-01-01T00:00:00.000Z'), max: new Date('9999-12-31T23:59:59.999Z'), noInvalidDate: true }),
        fc.constantFrom('Z', '+00:00', '-00:00', '+23:59', '-23:59', '+14:00', '+05:30'),
        fc.boolean(),
      )
      .map(([d, offset, millis]) => {
        const iso = d.toISOString();
        return `${millis ? iso.slice(0, -1) : iso.slice(0, 19)}${offset}`;
      }),
    weight: 1,
  },
);

/** A weird string, half the time with a dangerous character slipped in somewhere. */
export const weirdString: fc.Arbitrary<string> = fc
  .tuple(weirdStringBase, fc.option(fc.tuple(dangerousChar, fc.nat()), { freq: 2, nil: undefined }))
  .map(([s, ins]) => {
    if (!ins) return s;
    const at = s.length === 0 ? 0 : ins[1] % (s.length + 1);
    return `${s.slice(0, at)}${ins[0]}${s.slice(at)}`;
  });

/**
 * The JSON text of a string escaping only what JSON requires (quote, backslash, controls), so
 * raw unicode, lone surrogates included, stays raw in the text; JSON.stringify of a body that
 * carries such a text then sends them as \uXXXX escapes.
 */
export const minimalJsonString = (s: string): string =>
  // eslint-disable-next-line no-control-regex -- JSON's control characters are the very point here
  `"${s.replace(/["\\\u0000-\u001f]/g, (c) => (c === '"' ? '\\"' : c === '\\' ? '\\\\' : `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`))}"`;

/** A weird string as JSON text: fully escaped, or minimally. */
export const weirdStringText: fc.Arbitrary<string> = fc
  .tuple(weirdString, fc.boolean())
  .map(([s, minimal]) => (minimal ? minimalJsonString(s) : JSON.stringify(s)));

/** Keys meant to confuse object handling. */
export const protoKey = fc.constantFrom(
  '__proto__',
  'constructor',
  'prototype',
  'toString',
  'valueOf',
  'hasOwnProperty',
  '__defineGetter__',
  '',
);

/** Number texts, including ones JSON.parse turns into Infinity or rounds. */
export const numberText: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '0',
    '-0',
    '-1',
    '1',
    '1.5',
    '1.0',
    '1e3',
    '1E-7',
    '0.1',
    '2147483648',
    '4294967296',
    '9007199254740991',
    '9007199254740992',
    '9007199254740993',
    '18446744073709551616',
    '123456789012345678901234567890',
    '1e308',
    '-1e308',
    '1e999',
    '-1e999',
    '5e-324',
    '1000000',
    '1000001',
  ),
  fc.integer().map(String),
  fc.double({ noNaN: true, noDefaultInfinity: true }).map((d) => JSON.stringify(d)),
  fc.bigInt({ min: -(2n ** 70n), max: 2n ** 70n }).map(String),
);

/** Deeply nested arrays or objects. */
export const deepNesting: fc.Arbitrary<string> = fc
  .tuple(fc.integer({ min: 10, max: 2_000 }), fc.boolean())
  .map(([n, arr]) => (arr ? `${'['.repeat(n)}${']'.repeat(n)}` : `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`));

/** The JSON text of a value of any type. */
export const valueText: fc.Arbitrary<string> = fc.oneof(
  { arbitrary: weirdStringText, weight: 4 },
  { arbitrary: numberText, weight: 3 },
  { arbitrary: fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v)), weight: 2 },
  {
    arbitrary: fc.constantFrom(
      'null',
      'true',
      'false',
      '[]',
      '{}',
      '""',
      '{"__proto__":{"polluted":1}}',
      '{"constructor":{"prototype":{"polluted":1}}}',
    ),
    weight: 2,
  },
  { arbitrary: deepNesting, weight: 1 },
);

/** An object as an ordered list of key / value-text entries, so duplicate keys and odd number texts survive. */
export type Entry = [key: string, valueText: string];

export const objectText = (entries: Entry[]): string => `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(',')}}`;

export const entriesOf = (o: Record<string, unknown>): Entry[] => Object.entries(o).map(([k, v]) => [k, JSON.stringify(v)]);

export type Mutation =
  | { kind: 'drop'; at: number }
  | { kind: 'set'; at: number; value: string }
  | { kind: 'retype'; at: number; how: 'toString' | 'toNumber' | 'toArray' | 'toObject' | 'toNull' }
  | { kind: 'duplicate'; at: number; value: string; first: boolean }
  | { kind: 'add'; key: string; value: string };

export const mutation: fc.Arbitrary<Mutation> = fc.oneof(
  fc.record({ kind: fc.constant('drop' as const), at: fc.nat() }),
  fc.record({ kind: fc.constant('set' as const), at: fc.nat(), value: valueText }),
  fc.record({
    kind: fc.constant('retype' as const),
    at: fc.nat(),
    how: fc.constantFrom('toString' as const, 'toNumber' as const, 'toArray' as const, 'toObject' as const, 'toNull' as const),
  }),
  fc.record({ kind: fc.constant('duplicate' as const), at: fc.nat(), value: valueText, first: fc.boolean() }),
  fc.record({ kind: fc.constant('add' as const), key: fc.oneof(protoKey, weirdString), value: valueText }),
);

function retype(text: string, how: Extract<Mutation, { kind: 'retype' }>['how']): string {
  switch (how) {
    case 'toString':
      return JSON.stringify(text.startsWith('"') ? `${JSON.parse(text)}` : text);
    case 'toNumber': {
      const n = Number(text.startsWith('"') ? JSON.parse(text) : text);
      return Number.isFinite(n) ? String(n) : '0';
    }
    case 'toArray':
      return `[${text}]`;
    case 'toObject':
      return `{"value":${text}}`;
    case 'toNull':
      return 'null';
  }
}

/**
 * What to do to one field of a valid object: drop it, or give it a weird value, mostly of the
 * field's own type (a string field gets a weird string, a number field a weird number).
 */
export type FieldChange =
  { kind: 'keep' } | { kind: 'drop' } | { kind: 'value'; type: 'same' | 'other' | 'any'; str: string; num: string; any: string };

export const fieldChange: fc.Arbitrary<FieldChange> = fc.oneof(
  {
    arbitrary: fc.record({
      kind: fc.constant('value' as const),
      type: fc.constantFrom(
        'same' as const,
        'same' as const,
        'same' as const,
        'same' as const,
        'same' as const,
        'same' as const,
        'other' as const,
        'other' as const,
        'any' as const,
      ),
      str: weirdStringText,
      num: numberText,
      any: valueText,
    }),
    weight: 9,
  },
  { arbitrary: fc.constant({ kind: 'drop' as const }), weight: 1 },
);

function changedValue(original: string, c: Extract<FieldChange, { kind: 'value' }>): string {
  if (c.type === 'any') return c.any;
  const isString = original.startsWith('"');
  return (c.type === 'same') === isString ? c.str : c.num;
}

export interface ObjectChanges {
  /** A change for each of the object's fields, by position; most are kept. */
  fields: FieldChange[];
  /** Free-form mutations on top: added, duplicated, retyped keys. */
  mutations: Mutation[];
}

/** Changes to one (mostly) or two of n fields (sometimes none), and rarely a free-form mutation or two. */
export const objectChanges = (n: number): fc.Arbitrary<ObjectChanges> =>
  fc
    .record({
      picks: fc.oneof(
        { arbitrary: fc.constant([] as number[]), weight: 1 },
        { arbitrary: fc.uniqueArray(fc.nat({ max: n - 1 }), { minLength: 1, maxLength: 1 }), weight: 6 },
        { arbitrary: fc.uniqueArray(fc.nat({ max: n - 1 }), { minLength: 2, maxLength: 2 }), weight: 2 },
      ),
      changes: fc.array(fieldChange, { minLength: 2, maxLength: 2 }),
      mutations: fc.oneof(
        { arbitrary: fc.constant([] as Mutation[]), weight: 3 },
        { arbitrary: fc.array(mutation, { minLength: 1, maxLength: 2 }), weight: 1 },
      ),
    })
    .map(({ picks, changes, mutations }) => {
      const fields: FieldChange[] = Array.from({ length: n }, () => ({ kind: 'keep' }));
      picks.forEach((p, i) => (fields[p] = changes[i]));
      return { fields, mutations };
    });

export function applyChanges(base: Entry[], changes: ObjectChanges): Entry[] {
  const out: Entry[] = [];
  base.forEach(([k, v], i) => {
    const c = changes.fields[i] ?? { kind: 'keep' };
    if (c.kind === 'keep') out.push([k, v]);
    else if (c.kind === 'value') out.push([k, changedValue(v, c)]);
  });
  return mutateEntries(out, changes.mutations);
}

/** Applies mutations to an object's entries (positions taken modulo the current length). */
export function mutateEntries(base: Entry[], mutations: Mutation[]): Entry[] {
  const out = base.map(([k, v]) => [k, v] as Entry);
  for (const m of mutations) {
    if (m.kind === 'add') {
      out.push([m.key, m.value]);
      continue;
    }
    if (out.length === 0) continue;
    const i = m.at % out.length;
    if (m.kind === 'drop') out.splice(i, 1);
    else if (m.kind === 'set') out[i] = [out[i][0], m.value];
    else if (m.kind === 'retype') out[i] = [out[i][0], retype(out[i][1], m.how)];
    else if (m.first) out.splice(i, 0, [out[i][0], m.value]);
    else out.push([out[i][0], m.value]);
  }
  return out;
}

/** Changes to a whole JSON text that keep or break it: whitespace, BOM, trailing garbage, wrapping, truncation. */
export type TextChange = 'none' | 'pretty' | 'bom' | 'trailing' | 'wrapArray' | 'truncate' | 'twice' | 'leadingSpace';

export const textChange: fc.Arbitrary<TextChange> = fc.oneof(
  { arbitrary: fc.constant('none' as const), weight: 8 },
  {
    arbitrary: fc.constantFrom(
      'pretty' as const,
      'bom' as const,
      'trailing' as const,
      'wrapArray' as const,
      'truncate' as const,
      'twice' as const,
      'leadingSpace' as const,
    ),
    weight: 2,
  },
);

export function changeText(text: string, c: TextChange): string {
  switch (c) {
    case 'none':
      return text;
    case 'pretty':
      try {
        return JSON.stringify(JSON.parse(text), null, 2);
      } catch {
        return `\n${text}\n`;
      }
    case 'bom':
      return `\ufeff${text}`;
    case 'trailing':
      return `${text}x`;
    case 'wrapArray':
      return `[${text}]`;
    case 'truncate':
      return text.slice(0, Math.max(0, text.length - 1));
    case 'twice':
      return `${text}${text}`;
    case 'leadingSpace':
      return ` \t\r\n${text}`;
  }
}

/** A large body as a Buffer that fast-check prints in short (a counterexample stays readable). */
export function bigBody(text: string, label: string): Buffer {
  return Object.assign(Buffer.from(text, 'utf8'), { [fc.toStringMethod]: () => `Buffer(${label}, ${Buffer.byteLength(text)} bytes)` });
}

/** Arbitrary request bodies: bytes (invalid UTF-8 included), text, JSON of any shape, oversized. */
export const rawBody: fc.Arbitrary<Body> = fc.oneof(
  { arbitrary: fc.constant(undefined), weight: 1 },
  { arbitrary: fc.uint8Array({ maxLength: 300 }).map((b) => Buffer.from(b)), weight: 3 },
  { arbitrary: fc.string({ unit: 'binary', maxLength: 200 }), weight: 2 },
  { arbitrary: fc.json({ maxDepth: 3, stringUnit: 'binary' }), weight: 3 },
  { arbitrary: valueText, weight: 2 },
  {
    arbitrary: fc.constantFrom(
      '',
      'null',
      '[]',
      '{}',
      '""',
      '0',
      'true',
      '{"__proto__":{"isAdmin":true}}',
      '{"constructor":{"prototype":{"isAdmin":true}}}',
      '\ufeff{}',
      '{"a":1}{"b":2}',
      '{"a":1,}',
      "{'a':1}",
      '{"a":NaN}',
      '{"a":Infinity}',
      '{"a":undefined}',
      '{"a":"\\ud800"}',
      '{"a":"\\u0000"}',
    ),
    weight: 2,
  },
  { arbitrary: fc.constant(null).map(() => bigBody(`${'['.repeat(30_000)}${']'.repeat(30_000)}`, '30000 nested arrays')), weight: 1 },
  {
    arbitrary: fc
      .integer({ min: 64 * 1024 - 100, max: 80 * 1024 })
      .map((n) => bigBody(`{"pad":"${'p'.repeat(n)}"}`, `{"pad":"p…"} with ${n} p`)),
    weight: 1,
  },
);

/** `arb` one time in `oneIn`, else undefined. */
export const rarely = <T>(arb: fc.Arbitrary<T>, oneIn = 8): fc.Arbitrary<T | undefined> =>
  fc.oneof({ arbitrary: fc.constant(undefined), weight: oneIn - 1 }, { arbitrary: arb, weight: 1 });

/** Inserts invalid UTF-8 byte sequences at a position of a text. */
export const invalidUtf8 = fc.constantFrom(
  Buffer.from([0xff]),
  Buffer.from([0xfe, 0xff]),
  Buffer.from([0xc0, 0x80]), // overlong NUL
  Buffer.from([0xc0, 0xa2]), // overlong '"'
  Buffer.from([0xed, 0xa0, 0x80]), // a UTF-16 surrogate encoded in UTF-8
  Buffer.from([0xf4, 0x90, 0x80, 0x80]), // above U+10FFFF
  Buffer.from([0xe2, 0x82]), // truncated sequence
  Buffer.from([0x80]),
);

export function withBytesAt(text: string, at: number, bytes: Buffer): Buffer {
  const b = Buffer.from(text, 'utf8');
  const i = b.length === 0 ? 0 : at % (b.length + 1);
  return Buffer.concat([b.subarray(0, i), bytes, b.subarray(i)]);
}

/** Header values a client may send (what fetch accepts: latin1, no CR/LF/NUL). */
export const headerValue: fc.Arbitrary<string> = fc.oneof(
  fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 80 }),
  fc.string({ unit: fc.integer({ min: 0x80, max: 0xff }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 10 }),
  fc.stringMatching(/^[0-9a-fA-F]{0,70}$/),
  fc.constantFrom(
    '',
    ' ',
    '0'.repeat(64),
    'f'.repeat(64),
    'g'.repeat(64),
    'null',
    'undefined',
    '[]',
    '-1',
    '1e10',
    ' '.repeat(20),
    'x'.repeat(8000),
  ),
);

export const contentType = fc.constantFrom(
  'application/json',
  'application/json; charset=utf-8',
  'application/json; charset=utf-16',
  'application/json; charset=latin1',
  'text/plain',
  'application/x-www-form-urlencoded',
  'multipart/form-data; boundary=xyz',
  'application/octet-stream',
  '*/*',
  'application/json; charset=',
  'garbage',
);

/**
 * Random headers: content-type, the signature and auth headers with random values, and the
 * occasional content-encoding (which the body parser must refuse or decode cleanly).
 */
export const randomHeaders: fc.Arbitrary<HeaderList> = fc
  .record(
    {
      'content-type': contentType,
      'content-encoding': rarely(fc.constantFrom('gzip', 'deflate', 'br', 'identity', 'x-unknown', 'gzip, gzip'), 3),
      'x-vpay-timestamp': fc.oneof(
        headerValue,
        fc.integer({ min: -1, max: 2 ** 40 }).map(String),
        fc.constant(String(Math.floor(Date.now() / 1000))),
      ),
      'x-vpay-signature': headerValue,
      'pay-sig': headerValue,
      authorization: fc.oneof(
        headerValue,
        headerValue.map((v) => `Bearer ${v}`),
      ),
      accept: fc.constantFrom('application/json', 'text/html', '*/*', 'application/xml'),
    },
    { requiredKeys: [] },
  )
  .map((h) => Object.entries(h).filter(([, v]) => v !== undefined) as HeaderList);

/**
 * One character of a string replaced by a different one. With `hex`, a change of letter case
 * only is not a change (the contract accepts upper-case hex), so it is never generated.
 */
export function replaceCharArb(
  s: string,
  alphabet: fc.Arbitrary<string>,
  o: { hex?: boolean } = {},
): fc.Arbitrary<{ at: number; to: string; result: string }> {
  const same = (a: string, b: string) => (o.hex ? a.toLowerCase() === b.toLowerCase() : a === b);
  return fc
    .tuple(fc.nat({ max: Math.max(0, s.length - 1) }), alphabet)
    .filter(([at, to]) => !same(to, s[at]))
    .map(([at, to]) => ({ at, to, result: `${s.slice(0, at)}${to}${s.slice(at + 1)}` }));
}

/** Any code unit in 0..255, as a one-character string. */
export const latin1Char = fc.integer({ min: 0, max: 255 }).map((c) => String.fromCharCode(c));

/** One byte of a buffer (within [from, to)) replaced by another byte value. */
export function replaceByteArb(buf: Buffer, from = 0, to = buf.length): fc.Arbitrary<{ at: number; to: number; result: Buffer }> {
  return fc
    .tuple(fc.integer({ min: from, max: to - 1 }), fc.integer({ min: 0, max: 255 }))
    .filter(([at, b]) => buf[at] !== b)
    .map(([at, b]) => {
      const result = Buffer.from(buf);
      result[at] = b;
      return { at, to: b, result };
    });
}
