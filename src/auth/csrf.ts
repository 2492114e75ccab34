import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

/** The header every state-changing request of a signed-in page carries its session's token in. */
export const CSRF_HEADER = 'x-csrf-token';

/** A fresh unguessable token. */
export function newCsrfToken(): string {
  return randomBytes(32).toString('base64url');
}

/** Methods that change something and so need a CSRF token; GET and HEAD must not change anything. */
export function isStateChanging(method: string): boolean {
  return !['GET', 'HEAD', 'OPTIONS'].includes(method.toUpperCase());
}

/**
 * Whether a presented token equals the expected one, in time independent of where they differ
 * (both are hashed first, so lengths leak nothing either). A missing or empty token never matches.
 */
export function csrfTokensMatch(presented: unknown, expected: string | undefined): boolean {
  if (typeof presented !== 'string' || presented.length === 0 || !expected) return false;
  const digest = (value: string) => createHash('sha256').update(value).digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
