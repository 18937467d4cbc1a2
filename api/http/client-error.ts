// Requests Node's HTTP parser refuses before Express sees them: a request line and headers over
// Node's 16 KiB limit (e.g. a path with a very long ID), a malformed request line or header, a
// head not received in time. Node answers those itself with a bare status line and no body
// (`431 Request Header Fields Too Large`, `400 Bad Request`), which breaks the contract's rule
// that every error carries its JSON body (CONTRACT.md 0). The server's 'clientError' is answered
// here instead: the same statuses, with `{errCode, errMsg}`, or `{returnCode, returnMessage}`
// when the request line (as far as it was read) names a route of that shape.
import http from 'node:http';
import type { Duplex } from 'node:stream';
import { ApiError, CommonCodes } from './api-error';
import type { ErrorShape } from './audience-router';

/** How long a refused connection stays open after its answer is written, for the client to read it. */
const LINGER_MS = 1000;

export function errorOfClientError(err: NodeJS.ErrnoException): ApiError {
  switch (err.code) {
    case 'HPE_HEADER_OVERFLOW':
      return new ApiError(431, CommonCodes.headTooLarge, 'request line and headers are over 16 KiB');
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return new ApiError(413, CommonCodes.bodyTooLarge, 'chunk extensions are too large');
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return new ApiError(408, CommonCodes.requestTimeout, 'the request was not received in time');
    default:
      return new ApiError(400, CommonCodes.malformed, 'malformed request');
  }
}

/** The path of the request line at the start of `raw`, if it is there. */
const pathOf = (raw: unknown): string | undefined =>
  Buffer.isBuffer(raw) ? /^[A-Z]+ (\/\S*)/.exec(raw.subarray(0, 256).toString('latin1'))?.[1] : undefined;

/** A 'clientError' listener for the API's server; `shapeOf` names the error shape of a path's route. */
export function clientErrorAnswerer(shapeOf: (path: string) => ErrorShape) {
  const answered = new WeakSet<Duplex>();
  return (err: NodeJS.ErrnoException & { rawPacket?: unknown }, socket: Duplex): void => {
    // The parser reports each further chunk of a refused request again: it is answered once.
    if (answered.has(socket)) return;
    // As Node does: no answer on a socket that is gone or cannot take one, or in the middle of
    // another answer.
    const inFlight = (socket as Duplex & { _httpMessage?: { headersSent?: boolean } })._httpMessage;
    if (err.code === 'ECONNRESET' || !socket.writable || inFlight?.headersSent) {
      socket.destroy();
      return;
    }
    answered.add(socket);
    const e = errorOfClientError(err);
    const path = pathOf(err.rawPacket);
    const body = JSON.stringify(
      path !== undefined && shapeOf(path) === 'returnCode'
        ? { returnCode: e.code, returnMessage: e.message }
        : { errCode: e.code, errMsg: e.message },
    );
    const head = [
      `HTTP/1.1 ${e.httpStatus} ${http.STATUS_CODES[e.httpStatus] ?? ''}`,
      'Content-Type: application/json; charset=utf-8',
      `Content-Length: ${Buffer.byteLength(body)}`,
      'Connection: close',
    ].join('\r\n');
    // Ended, not destroyed at once: destroying a socket with unread request bytes resets the
    // connection, and the client may lose the answer. What else it sends is dropped.
    socket.end(`${head}\r\n\r\n${body}`, () => setTimeout(() => socket.destroy(), LINGER_MS).unref());
  };
}
