/** Cookies of a request's Cookie header; malformed pairs are skipped, the first of a name wins. */
export function parseCookies(header: string | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of (header ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    if (cookies.has(name)) continue;
    try {
      cookies.set(name, decodeURIComponent(value));
    } catch {
      // not percent-encoded properly: not one of ours
    }
  }
  return cookies;
}

/** Options of a cookie Hearline sets: always HttpOnly, SameSite=Strict and Path=/. */
export interface CookieOptions {
  secure: boolean;
  /** Seconds until the browser drops it; 0 deletes it; unset makes a browser-session cookie. */
  maxAgeSeconds?: number;
}

/** A Set-Cookie header value. Values must be cookie-safe already (ours are base64url). */
export function serialiseCookie(name: string, value: string, options: CookieOptions): string {
  if (!/^[\w-]+$/.test(name) || !/^[\w-]*$/.test(value)) throw new Error(`serialiseCookie: ${name} has characters a cookie cannot hold`);
  const parts = [`${name}=${value}`, 'Path=/', 'HttpOnly', 'SameSite=Strict'];
  if (options.maxAgeSeconds !== undefined) parts.push(`Max-Age=${Math.max(0, Math.floor(options.maxAgeSeconds))}`);
  if (options.secure) parts.push('Secure');
  return parts.join('; ');
}
