// The one client of the console API (/v1/console, same origin): the bearer token on every call,
// `{errCode, errMsg}` errors as ApiError so a page shows them next to what caused them.
import { clearToken, getToken } from './session';

export const API_BASE = '/v1/console';

/** One bad cell of an item import: row and column as a spreadsheet shows them. */
export interface CellError {
  row: number | null;
  column: string | null;
  message: string;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly errCode: number,
    readonly errMsg: string,
    readonly cells: CellError[] = [],
  ) {
    super(`${errMsg} (HTTP ${status}, errCode ${errCode})`);
  }
}

let onSignedOut: () => void = () => undefined;
/** Called when the API no longer knows the token (401): the session ends. */
export const whenSignedOut = (f: () => void): void => {
  onSignedOut = f;
};

function headers(extra: Record<string, string> = {}): Record<string, string> {
  const token = getToken();
  return { ...(token ? { authorization: `Bearer ${token}` } : {}), ...extra };
}

async function errorOf(res: Response): Promise<ApiError> {
  let body: { errCode?: number; errMsg?: string; errors?: CellError[] } = {};
  try {
    body = (await res.json()) as typeof body;
  } catch {
    // Not JSON: the status says what happened.
  }
  const err = new ApiError(res.status, body.errCode ?? res.status * 100, body.errMsg ?? res.statusText, body.errors ?? []);
  if (res.status === 401 && getToken()) {
    clearToken();
    onSignedOut();
  }
  return err;
}

export type Query = Record<string, string | number | boolean | null | undefined>;

export function withQuery(path: string, query: Query = {}): string {
  const q = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined && v !== null && v !== '') q.set(k, String(v));
  const s = q.toString();
  return s ? `${path}?${s}` : path;
}

export async function call<T>(method: string, path: string, body?: unknown, query?: Query): Promise<T> {
  let res: Response;
  try {
    res = await fetch(API_BASE + withQuery(path, query), {
      method,
      headers: headers(body === undefined ? {} : { 'content-type': 'application/json' }),
      body: body === undefined ? undefined : JSON.stringify(body),
    });
  } catch (err) {
    throw new ApiError(0, 0, `vpay did not answer: ${err instanceof Error ? err.message : String(err)}`);
  }
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

export const get = <T>(path: string, query?: Query) => call<T>('GET', path, undefined, query);
export const post = <T>(path: string, body: unknown = {}) => call<T>('POST', path, body);
export const put = <T>(path: string, body: unknown) => call<T>('PUT', path, body);
export const patch = <T>(path: string, body: unknown) => call<T>('PATCH', path, body);
export const del = <T>(path: string) => call<T>('DELETE', path);

/** Sends a file as the raw body (the item import). */
export async function upload<T>(path: string, file: Blob, contentType: string): Promise<T> {
  const res = await fetch(API_BASE + path, { method: 'POST', headers: headers({ 'content-type': contentType }), body: file });
  if (!res.ok) throw await errorOf(res);
  return (await res.json()) as T;
}

/** Fetches a file with the token and hands it to the browser as a download; returns its name. */
export async function download(path: string, query?: Query): Promise<string> {
  const res = await fetch(API_BASE + withQuery(path, query), { headers: headers() });
  if (!res.ok) throw await errorOf(res);
  const disposition = res.headers.get('content-disposition') ?? '';
  const name = decodeURIComponent(/filename\*?=(?:UTF-8'')?"?([^";]+)"?/i.exec(disposition)?.[1] ?? 'download');
  const url = URL.createObjectURL(await res.blob());
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
  return name;
}
