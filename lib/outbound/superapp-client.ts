// Calls from vpay to the superapp backend (CONTRACT.md 3.1 and 3.3), signed with the shared
// secret over the exact bytes sent.
import type { Config } from '../platform/config';
import type { safePostJson } from './safe-post';
import { superappSignatureOf } from '../domain/signatures';

export type PostJson = typeof safePostJson;

export interface SuperappReply {
  status: number;
  json: unknown;
}

/** The headers both directions carry: X-Vpay-Timestamp and X-Vpay-Signature. */
export function superappHeaders(secret: string, rawBody: string, nowMs = Date.now()): Record<string, string> {
  const timestamp = String(Math.floor(nowMs / 1000));
  return { 'x-vpay-timestamp': timestamp, 'x-vpay-signature': superappSignatureOf(secret, timestamp, rawBody) };
}

export async function postToSuperapp(
  config: Config,
  post: PostJson,
  path: string,
  body: unknown,
  timeoutMs = 10_000,
): Promise<SuperappReply> {
  const raw = JSON.stringify(body);
  const res = await post(`${config.superappBaseUrl}${path}`, raw, {
    headers: superappHeaders(config.superappSecret, raw),
    timeoutMs,
    maxResponseBytes: 64 * 1024,
    // The superapp URL is the operator's own setting, often on a private network, and may
    // carry the credentials its gateway asks for.
    allowPrivate: true,
    allowUrlCredentials: true,
  });
  return { status: res.status, json: res.json };
}

/** returnCode 0 (number or "0") in a JSON object body. */
export function returnCodeIsZero(json: unknown): boolean {
  if (!json || typeof json !== 'object') return false;
  const code = (json as Record<string, unknown>).returnCode;
  return code === 0 || code === '0';
}
