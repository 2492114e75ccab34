import type { Response } from 'express';

/**
 * The Content-Security-Policy of the staff pages (the editor and the agent console): scripts and
 * styles only as files from this server (no inline script or style, no eval), requests and live
 * sockets only back here, never framed.
 */
export const STAFF_PAGE_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Sends a staff page: the policy above and the headers that keep it out of frames and caches shared between users. */
export function sendStaffPage(res: Response, html: string): void {
  res.set({
    'Content-Security-Policy': STAFF_PAGE_CONTENT_SECURITY_POLICY,
    'Referrer-Policy': 'same-origin',
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    Vary: 'Accept-Language, Cookie',
  });
  res.type('html').send(html);
}
