// POST JSON to a URL chosen by an outside party, without letting that party aim vpay at
// private infrastructure (SSRF), hang it, or flood it.
//
// - The address is vetted where the socket is created: a custom `lookup` resolves the
//   name, refuses if ANY answer is forbidden, and hands exactly those vetted answers to
//   the socket, so there is no DNS-rebinding gap between check and connect. IP literal
//   hosts (which Node connects to without calling `lookup`) are vetted before the
//   request starts, and the connected peer address is checked again on 'connect'.
// - Redirects are never followed: a 3xx is returned as a status.
// - One deadline covers DNS + connect + TLS + response headers + body.
// - The response body is capped; error messages never contain request headers or body.

import * as dns from 'node:dns';
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction, Socket } from 'node:net';
import { isIP } from 'node:net';
import { hostForConnect, isForbiddenAddress, parseDeliveryUrl, UrlRejectedError } from './address-guard';
import { toStorableText } from '../domain/schemas';

export type SafePostErrorCode = 'forbidden_address' | 'timeout' | 'too_large' | 'network' | 'bad_url';

export class SafePostError extends Error {
  readonly code: SafePostErrorCode;
  constructor(code: SafePostErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
    this.code = code;
  }
}

/** The URL is not an acceptable delivery URL (see `parseDeliveryUrl`). */
export class BadUrlError extends SafePostError {
  readonly reason: string;
  constructor(reason: string, message: string) {
    super('bad_url', message);
    this.reason = reason;
  }
}

/** The host is, or resolved to, a private/forbidden address. Nothing was sent. */
export class AddressForbiddenError extends SafePostError {
  constructor(message: string) {
    super('forbidden_address', message);
  }
}

/** The overall deadline (DNS + connect + response + body) passed. */
export class PostTimeoutError extends SafePostError {
  constructor(message: string) {
    super('timeout', message);
  }
}

/** The response body exceeded `maxResponseBytes`; the connection was aborted. */
export class ResponseTooLargeError extends SafePostError {
  constructor(message: string) {
    super('too_large', message);
  }
}

/** DNS failure, refused/reset connection, TLS failure, malformed response, ... */
export class PostNetworkError extends SafePostError {
  /** Node's error code for the cause (e.g. ECONNREFUSED, ENOTFOUND), when it had one. */
  readonly causeCode: string | undefined;
  constructor(message: string, causeCode?: string) {
    super('network', message);
    this.causeCode = causeCode;
  }
}

export interface SafePostOptions {
  headers?: Record<string, string>;
  /** Deadline for the whole exchange, in milliseconds. */
  timeoutMs: number;
  /** Largest accepted response body, in bytes; more aborts with ResponseTooLargeError. */
  maxResponseBytes: number;
  /** Skip the address guard (local development and tests only). */
  allowPrivate: boolean;
  /**
   * The URL is an operator's own setting (SUPERAPP_BASE_URL, ALERT_WEBHOOK_URL): a username and
   * password in it are sent as HTTP Basic auth instead of refusing the URL. Error messages name
   * only the origin, which never includes them.
   */
  allowUrlCredentials?: boolean;
}

export interface SafePostResult {
  status: number;
  body: string;
  /** The parsed body when it is valid JSON, else undefined. */
  json: unknown | undefined;
}

type DnsLookupAll = (
  hostname: string,
  options: dns.LookupAllOptions,
  callback: (err: NodeJS.ErrnoException | null, addresses: dns.LookupAddress[]) => void,
) => void;

const defaultResolve: DnsLookupAll = (hostname, options, callback) => dns.lookup(hostname, options, callback);

/**
 * A `lookup` for sockets: resolves every address of the name, fails with
 * AddressForbiddenError if any is forbidden (unless allowPrivate), and hands the vetted
 * addresses to the socket. Exported for tests, which inject `resolve`.
 */
export function createGuardedLookup(allowPrivate: boolean, resolve: DnsLookupAll = defaultResolve): LookupFunction {
  return (hostname, options, callback) => {
    const family = options.family === 4 || options.family === 6 ? options.family : 0;
    const lookupOpts: dns.LookupAllOptions = { all: true, family };
    if (options.hints !== undefined) lookupOpts.hints = options.hints;
    resolve(hostname, lookupOpts, (err, addresses) => {
      if (err) {
        callback(err, '', 0);
        return;
      }
      if (!Array.isArray(addresses) || addresses.length === 0) {
        const e: NodeJS.ErrnoException = new Error(`no addresses for ${hostname}`);
        e.code = 'ENOTFOUND';
        callback(e, '', 0);
        return;
      }
      if (!allowPrivate) {
        const bad = addresses.find((a) => isForbiddenAddress(a.address));
        if (bad) {
          callback(new AddressForbiddenError(`${hostname} resolves to forbidden address ${bad.address}`) as NodeJS.ErrnoException, '', 0);
          return;
        }
      }
      if (options.all) {
        // net's autoSelectFamily path asks for every address.
        (callback as unknown as (e: null, a: dns.LookupAddress[]) => void)(null, addresses);
      } else {
        callback(null, addresses[0].address, addresses[0].family);
      }
    });
  };
}

// Keep-alive agents, one per protocol and per policy: a socket opened under
// allowPrivate=true must never be reused by a request made with allowPrivate=false.
// `timeout` is the idle time after which a pooled (free) socket is closed; it is kept
// below the common 5 s server keep-alive so we rarely write to a socket the server closed.
/** Sockets open at once to one origin (host and port), per process: more requests to it queue. */
export const SOCKETS_PER_ORIGIN = 64;
const agentOptions = { keepAlive: true, maxSockets: SOCKETS_PER_ORIGIN, maxFreeSockets: 16, timeout: 4_000, scheduling: 'lifo' as const };
const agents = {
  http: { guarded: new http.Agent(agentOptions), open: new http.Agent(agentOptions) },
  https: { guarded: new https.Agent(agentOptions), open: new https.Agent(agentOptions) },
};

/** Closes all pooled sockets (for shutdown and tests). Agents stay usable. */
export function destroySafePostAgents(): void {
  for (const p of [agents.http, agents.https]) {
    p.guarded.destroy();
    p.open.destroy();
  }
}

/** A URL's username or password as typed (the parser keeps them percent-encoded). */
function decodeUserinfo(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const RESERVED_HEADERS = new Set(['content-type', 'content-length', 'transfer-encoding', 'connection', 'host']);

function describeCause(err: unknown): { text: string; code: string | undefined } {
  const e = err as NodeJS.ErrnoException | undefined;
  const code = typeof e?.code === 'string' ? e.code : undefined;
  // Node's network error messages name syscall/address/port, never our headers or body;
  // still, keep only a bounded, single-line prefix, as text that can be stored (it becomes an
  // attempt's recorded error).
  const msg = typeof e?.message === 'string' ? toStorableText(e.message.replace(/\s+/g, ' '), 200) : 'unknown error';
  return { text: code && !msg.includes(code) ? `${code}: ${msg}` : msg, code };
}

/**
 * POSTs `body` (a JSON string) to `url`. Resolves with the status, body text and parsed
 * JSON for ANY HTTP status (3xx included — redirects are never followed). Rejects with a
 * SafePostError subclass: BadUrlError, AddressForbiddenError, PostTimeoutError,
 * ResponseTooLargeError or PostNetworkError.
 */
export function safePostJson(url: string, body: string, opts: SafePostOptions): Promise<SafePostResult> {
  return new Promise<SafePostResult>((resolve, reject) => {
    const { timeoutMs, maxResponseBytes, allowPrivate } = opts;
    if (!Number.isFinite(timeoutMs) || timeoutMs <= 0) {
      throw new RangeError('safePostJson: timeoutMs must be a positive number');
    }
    if (!Number.isInteger(maxResponseBytes) || maxResponseBytes < 0) {
      throw new RangeError('safePostJson: maxResponseBytes must be a non-negative integer');
    }

    let target: URL;
    try {
      target = parseDeliveryUrl(url, { allowCredentials: opts.allowUrlCredentials === true });
    } catch (e) {
      if (e instanceof UrlRejectedError) throw new BadUrlError(e.reason, e.message);
      throw e;
    }
    const where = target.origin; // never the path/query: those may carry tokens
    const host = hostForConnect(target);

    // Node connects to IP literals without calling `lookup`: vet them here.
    if (!allowPrivate && isIP(host) !== 0 && isForbiddenAddress(host)) {
      throw new AddressForbiddenError(`${where} is a forbidden address`);
    }

    const headers: Record<string, string | number> = {};
    for (const [k, v] of Object.entries(opts.headers ?? {})) {
      if (!RESERVED_HEADERS.has(k.toLowerCase())) headers[k] = v;
    }
    headers['content-type'] = 'application/json';
    headers['content-length'] = Buffer.byteLength(body, 'utf8');

    const auth =
      target.username !== '' || target.password !== ''
        ? `${decodeUserinfo(target.username)}:${decodeUserinfo(target.password)}`
        : undefined;

    const isHttps = target.protocol === 'https:';
    const pool = isHttps ? agents.https : agents.http;
    const requestFn = isHttps ? https.request : http.request;

    let settled = false;
    let req: http.ClientRequest | undefined;
    let res: http.IncomingMessage | undefined;

    const finish = (err: Error | undefined, result?: SafePostResult): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (err) {
        // Destroy (not just abort) so a half-used socket never goes back to the pool.
        res?.destroy();
        req?.destroy();
        reject(err);
      } else {
        resolve(result as SafePostResult);
      }
    };

    const timer = setTimeout(() => {
      finish(new PostTimeoutError(`POST ${where} timed out after ${timeoutMs} ms`));
    }, timeoutMs);

    try {
      req = requestFn({
        protocol: target.protocol,
        hostname: host,
        port: target.port === '' ? undefined : Number(target.port),
        path: `${target.pathname}${target.search}`,
        method: 'POST',
        headers,
        agent: allowPrivate ? pool.open : pool.guarded,
        lookup: createGuardedLookup(allowPrivate),
        auth,
        // No `servername` override: Node uses the host name for SNI, none for IPs.
      });
    } catch (e) {
      // e.g. ERR_INVALID_CHAR / ERR_INVALID_HTTP_TOKEN for a bad header; the message
      // names the header, never its value — but keep only the code to be safe.
      const { code } = describeCause(e);
      finish(new PostNetworkError(`POST ${where} not sent: ${code ?? 'invalid request'}`, code));
      return;
    }

    req.on('socket', (socket: Socket) => {
      if (allowPrivate) return;
      // Belt and braces: check the peer we actually connected to.
      const check = (): void => {
        const peer = socket.remoteAddress;
        if (peer !== undefined && isForbiddenAddress(peer)) {
          finish(new AddressForbiddenError(`${where} connected to forbidden address ${peer}`));
        }
      };
      if (socket.connecting) socket.once('connect', check);
      else check();
    });

    req.on('error', (err) => {
      if (err instanceof SafePostError) {
        finish(err);
        return;
      }
      const { text, code } = describeCause(err);
      finish(new PostNetworkError(`POST ${where} failed: ${text}`, code));
    });

    req.on('response', (response) => {
      res = response;
      const status = response.statusCode ?? 0;
      const declared = Number(response.headers['content-length']);
      if (Number.isFinite(declared) && declared > maxResponseBytes) {
        finish(new ResponseTooLargeError(`POST ${where}: response of ${declared} bytes exceeds ${maxResponseBytes}`));
        return;
      }
      const chunks: Buffer[] = [];
      let received = 0;
      response.on('data', (chunk: Buffer) => {
        if (settled) return;
        received += chunk.length;
        if (received > maxResponseBytes) {
          finish(new ResponseTooLargeError(`POST ${where}: response exceeds ${maxResponseBytes} bytes`));
          return;
        }
        chunks.push(chunk);
      });
      response.on('end', () => {
        if (settled) return;
        if (!response.complete) {
          finish(new PostNetworkError(`POST ${where} failed: response ended prematurely`, 'ECONNRESET'));
          return;
        }
        const text = Buffer.concat(chunks).toString('utf8');
        let json: unknown | undefined;
        if (text.trim() !== '') {
          try {
            json = JSON.parse(text);
          } catch {
            json = undefined;
          }
        }
        finish(undefined, { status, body: text, json });
      });
      response.on('aborted', () => {
        finish(new PostNetworkError(`POST ${where} failed: response aborted`, 'ECONNRESET'));
      });
      response.on('error', (err) => {
        if (err instanceof SafePostError) {
          finish(err);
          return;
        }
        const { text, code } = describeCause(err);
        finish(new PostNetworkError(`POST ${where} failed while reading response: ${text}`, code));
      });
    });

    req.end(body, 'utf8');
  });
}
