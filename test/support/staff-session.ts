import { SESSION_COOKIE } from '../../src/auth/auth';

/** A signed-in staff member (agent, editor, admin): the session cookie and the CSRF token. */
export interface StaffSession {
  cookie: string;
  csrf: string;
}

/** Signs in at `base` through the login API, as the staff pages do; fails the test when refused. */
export async function signIn(base: string, name: string, password: string): Promise<StaffSession> {
  const res = await fetch(`${base}/auth/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password }) });
  expect(res.status).toBe(200);
  const cookie = res.headers.getSetCookie().find((header) => header.startsWith(`${SESSION_COOKIE}=`))?.split(';')[0] ?? '';
  return { cookie, csrf: ((await res.json()) as { csrfToken: string }).csrfToken };
}

/** The headers a staff API call carries: the session cookie and the CSRF token. */
export function staffHeaders(session: StaffSession): Record<string, string> {
  return { cookie: session.cookie, 'x-csrf-token': session.csrf };
}
