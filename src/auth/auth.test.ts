import type { Server } from 'node:http';
import path from 'node:path';
import { Router } from 'express';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import { createHttpApp } from '../http/server';
import { PromptCatalog } from '../i18n/prompt-catalog';
import { createLogger } from '../logging/logger';
import type { Store } from '../storage/store';
import { ManualClock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';
import { createAuth, LOGIN_CSRF_COOKIE, SESSION_COOKIE, type Auth } from './auth';

const prompts = PromptCatalog.load(path.join(findProjectRoot(), 'prompts'));
const PASSWORD = 'a long password';

/** The cookie value a response set, if any. */
function setCookie(res: Response, name: string): string | undefined {
  for (const header of res.headers.getSetCookie()) {
    const [pair] = header.split(';');
    const [key, value] = (pair ?? '').split('=');
    if (key === name) return value;
  }
  return undefined;
}

describe('auth over HTTP', () => {
  let server: Server;
  let base: string;
  let auth: Auth;
  const clock = new ManualClock('2026-03-01T09:00:00Z');

  beforeAll(async () => {
    const documents = new MemoryDocumentStore();
    auth = createAuth({
      documents,
      clock,
      logger: createLogger('silent'),
      prompts,
      defaultLocale: 'zh-CN',
      secureCookies: 'auto',
      lifetime: { idleMs: 30 * 60_000, maxMs: 8 * 3_600_000 },
      scryptCost: { logN: 10, r: 8, p: 1 },
      limiters: { perNameAndAddress: new RateLimiterMemory({ points: 5, duration: 60 }), perAddress: new RateLimiterMemory({ points: 100, duration: 60 }) },
    });
    await auth.users.add({ name: 'edith', role: 'editor', password: PASSWORD });
    await auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
    await auth.users.add({ name: 'ada', role: 'admin', password: PASSWORD });
    await auth.users.add({ name: 'limited', role: 'editor', password: PASSWORD });

    const protectedRouter = Router();
    protectedRouter.get('/page', auth.requireRole('editor'), (req, res) => {
      res.type('html').send(`<p>hello ${auth.signedIn(req).user.name}</p>`);
    });
    protectedRouter.get('/api/thing', auth.requireRole('editor'), (req, res) => {
      res.json({ user: auth.signedIn(req).user.name });
    });
    protectedRouter.post('/api/thing', auth.requireRole('editor'), (_req, res) => {
      res.json({ changed: true });
    });
    const store = { documents, ping: async () => undefined, kind: 'sqlite' } as unknown as Store;
    const app = createHttpApp({ store, logger: createLogger('silent'), routers: [{ path: '/', router: auth.router }, { path: '/x', router: protectedRouter }] });
    server = await new Promise<Server>((resolve) => {
      const started = app.listen(0, '127.0.0.1', () => resolve(started));
    });
    const address = server.address();
    base = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
  });

  afterAll(async () => {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  });

  async function signIn(name: string): Promise<{ cookie: string; csrfToken: string }> {
    const res = await fetch(`${base}/auth/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name, password: PASSWORD }) });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { csrfToken: string };
    const session = setCookie(res, SESSION_COOKIE);
    expect(session).toMatch(/^[\w-]{43}$/);
    const header = res.headers.getSetCookie().find((value) => value.startsWith(`${SESSION_COOKIE}=`)) ?? '';
    expect(header).toContain('HttpOnly');
    expect(header).toContain('SameSite=Strict');
    expect(header).toContain('Path=/');
    expect(header).not.toContain('Secure'); // plain HTTP outside production
    return { cookie: `${SESSION_COOKIE}=${session}`, csrfToken: body.csrfToken };
  }

  it('answers 401 in JSON to an API call without a session', async () => {
    const res = await fetch(`${base}/x/api/thing`);
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({ error: { code: 'LOGIN_REQUIRED', message: 'Sign in first.' } });
  });

  it('sends a browser asking for a page to the sign-in page, with the page to come back to', async () => {
    const res = await fetch(`${base}/x/page?a=1`, { headers: { accept: 'text/html,application/xhtml+xml,*/*;q=0.8' }, redirect: 'manual' });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe(`/login?next=${encodeURIComponent('/x/page?a=1')}`);
  });

  it('lets an editor and an admin in, and refuses an agent with 403', async () => {
    for (const name of ['edith', 'ada']) {
      const { cookie } = await signIn(name);
      const res = await fetch(`${base}/x/api/thing`, { headers: { cookie } });
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ user: name });
      expect(res.headers.get('cache-control')).toBe('no-store');
    }
    const agent = await signIn('arthur');
    const api = await fetch(`${base}/x/api/thing`, { headers: { cookie: agent.cookie } });
    expect(api.status).toBe(403);
    expect(((await api.json()) as { error: { code: string } }).error.code).toBe('ROLE_FORBIDDEN');
    const page = await fetch(`${base}/x/page`, { headers: { cookie: agent.cookie, accept: 'text/html', 'accept-language': 'en-US' } });
    expect(page.status).toBe(403);
    expect(await page.text()).toContain('You are signed in as arthur (agent)');
  });

  it('requires the session\'s CSRF token on changes', async () => {
    const { cookie, csrfToken } = await signIn('edith');
    const without = await fetch(`${base}/x/api/thing`, { method: 'POST', headers: { cookie } });
    expect(without.status).toBe(403);
    expect(((await without.json()) as { error: { code: string } }).error.code).toBe('CSRF_REJECTED');
    const other = await signIn('edith');
    const wrong = await fetch(`${base}/x/api/thing`, { method: 'POST', headers: { cookie, 'x-csrf-token': other.csrfToken } });
    expect(wrong.status).toBe(403);
    const right = await fetch(`${base}/x/api/thing`, { method: 'POST', headers: { cookie, 'x-csrf-token': csrfToken } });
    expect(right.status).toBe(200);
  });

  it('signs in with the form only when the form carries the login-CSRF cookie\'s token', async () => {
    const page = await fetch(`${base}/login?next=/x/page&lang=en-US`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-security-policy')).toContain("default-src 'none'");
    const html = await page.text();
    expect(html).toContain('<html lang="en-US">');
    expect(html).not.toMatch(/<script/);
    const token = setCookie(page, LOGIN_CSRF_COOKIE) ?? '';
    expect(html).toContain(`name="csrf" value="${token}"`);

    const form = (csrf: string) => new URLSearchParams({ name: 'edith', password: PASSWORD, csrf, next: '/x/page', lang: 'en-US' }).toString();
    const forged = await fetch(`${base}/login`, { method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: form(token), redirect: 'manual' });
    expect(forged.status).toBe(403);
    expect(setCookie(forged, SESSION_COOKIE)).toBeUndefined();

    const res = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${LOGIN_CSRF_COOKIE}=${token}` },
      body: form(token),
      redirect: 'manual',
    });
    expect(res.status).toBe(303);
    expect(res.headers.get('location')).toBe('/x/page');
    const session = setCookie(res, SESSION_COOKIE);
    const after = await fetch(`${base}/x/page`, { headers: { cookie: `${SESSION_COOKIE}=${session}` } });
    expect(await after.text()).toBe('<p>hello edith</p>');
  });

  it('never redirects off the site after signing in', async () => {
    const page = await fetch(`${base}/login`);
    const token = setCookie(page, LOGIN_CSRF_COOKIE) ?? '';
    const res = await fetch(`${base}/login`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: `${LOGIN_CSRF_COOKIE}=${token}` },
      body: new URLSearchParams({ name: 'edith', password: PASSWORD, csrf: token, next: '//evil.example/' }).toString(),
      redirect: 'manual',
    });
    expect(res.headers.get('location')).toBe('/editor');
  });

  it('shows the sign-in page in the browser\'s language, in Chinese for Chinese browsers', async () => {
    const zh = await (await fetch(`${base}/login`, { headers: { 'accept-language': 'zh-TW,zh;q=0.9' } })).text();
    expect(zh).toContain('<html lang="zh-CN">');
    expect(zh).toContain(prompts.text('zh-CN', 'auth.submit'));
    const en = await (await fetch(`${base}/login`, { headers: { 'accept-language': 'en-GB' } })).text();
    expect(en).toContain(prompts.text('en-US', 'auth.submit'));
  });

  it('refuses wrong passwords with 401 and, after 5 failures a minute, with 429', async () => {
    const attempt = (password: string) =>
      fetch(`${base}/auth/api/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ name: 'limited', password }) });
    for (let i = 0; i < 5; i += 1) expect((await attempt('wrong password!')).status).toBe(401);
    const limited = await attempt(PASSWORD);
    expect(limited.status).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
  });

  it('refuses a JSON sign-in sent as a form or plain text (login CSRF)', async () => {
    const res = await fetch(`${base}/auth/api/login`, { method: 'POST', headers: { 'content-type': 'text/plain' }, body: JSON.stringify({ name: 'edith', password: PASSWORD }) });
    expect(res.status).toBe(415);
  });

  it('ends the session on sign-out, on a password change and when the user is removed', async () => {
    const first = await signIn('edith');
    const out = await fetch(`${base}/auth/api/logout`, { method: 'POST', headers: { cookie: first.cookie, 'x-csrf-token': first.csrfToken } });
    expect(out.status).toBe(204);
    expect((await fetch(`${base}/x/api/thing`, { headers: { cookie: first.cookie } })).status).toBe(401);

    const second = await signIn('edith');
    await auth.users.setPassword('edith', 'a brand new password');
    expect((await fetch(`${base}/x/api/thing`, { headers: { cookie: second.cookie } })).status).toBe(401);
    await auth.users.setPassword('edith', PASSWORD);

    const third = await signIn('ada');
    await auth.users.remove('ada');
    expect((await fetch(`${base}/auth/api/session`, { headers: { cookie: third.cookie } })).status).toBe(401);
  });
});
