// Bearer tokens (the admin token, the metrics token), compared in constant time over SHA-256
// digests, so the comparison leaks neither the token nor its length.
import { createHash, timingSafeEqual } from 'node:crypto';

const digest = (s: string) => createHash('sha256').update(s).digest();

/** A check of an Authorization header against `token`: true only for `Bearer <token>`. */
export function bearerTokenCheck(token: string): (authorization: string | undefined) => boolean {
  const expected = digest(token);
  return (authorization) => {
    const m = /^Bearer (.+)$/i.exec(authorization ?? '');
    return m !== null && timingSafeEqual(digest(m[1].trim()), expected);
  };
}
