import fs from 'node:fs';
import path from 'node:path';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import { RateLimiterMemory, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { pickLocale } from '../channels/webchat/webchat-page';
import { localeSchema, type Locale } from '../domain/complaint';
import { ApiError } from '../errors/catalogue';
import { parseOrReject } from '../http/validate';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import type { DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';
import { parseCookies, serialiseCookie } from './cookies';
import { CSRF_HEADER, csrfTokensMatch, isStateChanging, newCsrfToken } from './csrf';
import { AUTH_PAGE_CONTENT_SECURITY_POLICY, AUTH_STYLESHEET_PATH, renderForbiddenPage, renderLoginPage, type LoginNotice } from './login-page';
import type { ScryptCost } from './passwords';
import { homePathOf, roleAllows, type Role } from './roles';
import { SessionStore, type SessionLifetime, type SessionRecord } from './session-store';
import { UserStore, type User } from './user-store';

/** The session cookie: an opaque random id, HttpOnly, SameSite=Strict. */
export const SESSION_COOKIE = 'hl_session';
/** Login-CSRF: the sign-in form's token is also set as this cookie, and the two must agree. */
export const LOGIN_CSRF_COOKIE = 'hl_login_csrf';

/** A signed-in request: who, and their session (with its CSRF token). */
export interface SignedIn {
  user: User;
  session: SessionRecord;
}

/** What the auth module needs from the composition root. */
export interface AuthDependencies {
  documents: DocumentStore;
  clock: Clock;
  logger: Logger;
  prompts: PromptCatalog;
  defaultLocale: Locale;
  /** 'always' in production; 'auto' sets Secure only on HTTPS requests (local development). */
  secureCookies: 'always' | 'auto';
  lifetime: SessionLifetime;
  /** Tests lower it; production keeps the default. */
  scryptCost?: ScryptCost;
  /** Failed sign-ins allowed; defaults: 5 a minute per name and address, 30 per 10 minutes per address. */
  limiters?: { perNameAndAddress: RateLimiterAbstract; perAddress: RateLimiterAbstract };
}

/** Users, sessions and the HTTP pieces around them, shared by the editor and the agent console. */
export interface Auth {
  readonly users: UserStore;
  readonly sessions: SessionStore;
  /**
   * Lets a request through only for a signed-in user of one of `roles` (admin always passes);
   * state-changing requests must also carry the session's CSRF token in `X-CSRF-Token`.
   * Answers 401 (JSON, or a redirect to /login?next= for a browser asking for a page) and 403.
   */
  requireRole(...roles: Role[]): RequestHandler;
  /** The signed-in user of a request that passed requireRole. */
  signedIn(req: Request): SignedIn;
  /** `/login`, `/logout`, `/auth/api/*` and the sign-in page's stylesheet; mount at `/`. */
  readonly router: Router;
}

const nextPathSchema = z
  .string()
  .max(500)
  // Only a path on this site: "//evil.example" or "/\evil" would leave it.
  .regex(/^\/(?![/\\])[^\s]*$/)
  .optional()
  .catch(undefined);

const loginFormSchema = z.object({
  name: z.string().max(200).default(''),
  password: z.string().max(1024).default(''),
  csrf: z.string().max(100).default(''),
  next: nextPathSchema,
  lang: localeSchema.optional().catch(undefined),
});

const loginJsonSchema = z.strictObject({ name: z.string().max(200), password: z.string().max(1024) });
const logoutFormSchema = z.object({ csrf: z.string().max(100).default(''), lang: localeSchema.optional().catch(undefined) });
const pageQuerySchema = z.object({
  next: nextPathSchema,
  lang: localeSchema.optional().catch(undefined),
  signedOut: z.literal('1').optional().catch(undefined),
});

/** Sign-in attempts allowed: per name and address, and per address (whatever the name). */
export const LOGIN_LIMITS = {
  perNameAndAddress: { points: 5, durationSeconds: 60 },
  perAddress: { points: 30, durationSeconds: 600 },
} as const;

type LoginOutcome = { ok: true; user: User; id: string; session: SessionRecord } | { ok: false; retryAfterSeconds?: number };

/** Builds users, sessions, the sign-in routes and the role middleware over one DocumentStore. */
export function createAuth(deps: AuthDependencies): Auth {
  const users = new UserStore({ documents: deps.documents, clock: deps.clock, ...(deps.scryptCost ? { scryptCost: deps.scryptCost } : {}) });
  const sessions = new SessionStore({ documents: deps.documents, clock: deps.clock, lifetime: deps.lifetime });
  const limiters = deps.limiters ?? {
    perNameAndAddress: new RateLimiterMemory({ points: LOGIN_LIMITS.perNameAndAddress.points, duration: LOGIN_LIMITS.perNameAndAddress.durationSeconds }),
    perAddress: new RateLimiterMemory({ points: LOGIN_LIMITS.perAddress.points, duration: LOGIN_LIMITS.perAddress.durationSeconds }),
  };
  const stylesheet = fs.readFileSync(path.join(findProjectRoot(), 'src', 'auth', 'assets', 'auth.css'), 'utf8');
  const signedInByRequest = new WeakMap<Request, SignedIn>();

  const secure = (req: Request) => deps.secureCookies === 'always' || req.secure;
  const setSessionCookie = (req: Request, res: Response, id: string) =>
    res.append('Set-Cookie', serialiseCookie(SESSION_COOKIE, id, { secure: secure(req), maxAgeSeconds: deps.lifetime.maxMs / 1000 }));
  const clearCookie = (req: Request, res: Response, name: string) =>
    res.append('Set-Cookie', serialiseCookie(name, '', { secure: secure(req), maxAgeSeconds: 0 }));
  const cookie = (req: Request, name: string) => parseCookies(req.get('cookie')).get(name);

  /** The request's live session and its user, checked against the user's current password. */
  async function authenticate(req: Request): Promise<SignedIn | undefined> {
    const session = await sessions.resolve(cookie(req, SESSION_COOKIE));
    if (!session) return undefined;
    const user = await users.get(session.userName);
    if (!user || user.credentialVersion !== session.credentialVersion) return undefined;
    return { user, session };
  }

  async function attemptLogin(req: Request, name: string, password: string): Promise<LoginOutcome> {
    const address = req.ip ?? 'unknown';
    const nameKey = `${name.trim().toLowerCase()}|${address}`;
    const [byName, byAddress] = await Promise.all([limiters.perNameAndAddress.get(nameKey), limiters.perAddress.get(address)]);
    const blocked = [
      [byName, limiters.perNameAndAddress.points],
      [byAddress, limiters.perAddress.points],
    ] as const;
    for (const [state, points] of blocked) {
      if (state && state.consumedPoints >= points) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(state.msBeforeNext / 1000)) };
    }
    const user = await users.verify(name, password);
    if (!user) {
      await Promise.all([consumeQuietly(limiters.perNameAndAddress, nameKey), consumeQuietly(limiters.perAddress, address)]);
      deps.logger.info({ address }, 'sign-in failed');
      return { ok: false };
    }
    await limiters.perNameAndAddress.delete(nameKey);
    const { id, session } = await sessions.create(user);
    deps.logger.info({ user: user.name, role: user.role }, 'signed in');
    return { ok: true, user, id, session };
  }

  function pageLocale(req: Request, lang: Locale | undefined): Locale {
    return lang ?? pickLocale(req.acceptsLanguages().filter((tag) => tag !== '*'), deps.defaultLocale);
  }

  function sendPage(res: Response, status: number, html: string): void {
    res.status(status).set({
      'Content-Security-Policy': AUTH_PAGE_CONTENT_SECURITY_POLICY,
      'Cache-Control': 'no-store',
      'Referrer-Policy': 'same-origin',
      'X-Content-Type-Options': 'nosniff',
      'X-Frame-Options': 'DENY',
      Vary: 'Accept-Language, Cookie',
    });
    res.type('html').send(html);
  }

  function showLogin(req: Request, res: Response, status: number, params: { locale: Locale; next: string | undefined; name?: string; notice?: LoginNotice }): void {
    // One token per browser, reused while it lasts, so that two open tabs do not undo each other.
    const existing = cookie(req, LOGIN_CSRF_COOKIE);
    const csrfToken = existing && /^[\w-]{43}$/.test(existing) ? existing : newCsrfToken();
    res.append('Set-Cookie', serialiseCookie(LOGIN_CSRF_COOKIE, csrfToken, { secure: secure(req), maxAgeSeconds: 3600 }));
    sendPage(res, status, renderLoginPage({ prompts: deps.prompts, csrfToken, ...params }));
  }

  const router = Router();

  router.get(AUTH_STYLESHEET_PATH, (_req, res) => {
    res.set({ 'Cache-Control': 'public, max-age=300', 'X-Content-Type-Options': 'nosniff' });
    res.type('css').send(stylesheet);
  });

  router.get('/login', async (req, res) => {
    const query = pageQuerySchema.parse(req.query);
    const signedIn = await authenticate(req);
    if (signedIn) {
      res.redirect(303, query.next ?? homePathOf(signedIn.user.role));
      return;
    }
    showLogin(req, res, 200, { locale: pageLocale(req, query.lang), next: query.next, ...(query.signedOut ? { notice: 'signedOut' as const } : {}) });
  });

  router.post('/login', express.urlencoded({ extended: false, limit: '4kb' }), async (req, res) => {
    const form = loginFormSchema.parse(req.body ?? {});
    const locale = pageLocale(req, form.lang);
    if (!csrfTokensMatch(form.csrf, cookie(req, LOGIN_CSRF_COOKIE))) {
      showLogin(req, res, 403, { locale, next: form.next, name: form.name, notice: 'formExpired' });
      return;
    }
    const outcome = await attemptLogin(req, form.name, form.password);
    if (!outcome.ok) {
      const limited = outcome.retryAfterSeconds !== undefined;
      if (limited) res.set('Retry-After', String(outcome.retryAfterSeconds));
      showLogin(req, res, limited ? 429 : 401, {
        locale,
        next: form.next,
        name: form.name,
        notice: limited ? { tooMany: outcome.retryAfterSeconds ?? 60 } : 'failed',
      });
      return;
    }
    setSessionCookie(req, res, outcome.id);
    clearCookie(req, res, LOGIN_CSRF_COOKIE);
    res.redirect(303, form.next ?? homePathOf(outcome.user.role));
  });

  router.post('/logout', express.urlencoded({ extended: false, limit: '2kb' }), async (req, res) => {
    const form = logoutFormSchema.parse(req.body ?? {});
    const signedIn = await authenticate(req);
    if (signedIn && !csrfTokensMatch(form.csrf, signedIn.session.csrfToken)) throw new ApiError('CSRF_REJECTED');
    await sessions.destroy(cookie(req, SESSION_COOKIE));
    clearCookie(req, res, SESSION_COOKIE);
    res.redirect(303, `/login?${new URLSearchParams({ signedOut: '1', ...(form.lang ? { lang: form.lang } : {}) }).toString()}`);
  });

  const api = Router();
  api.use((req, _res, next) => {
    // JSON only: a cross-site page can post a form or text/plain without asking, but not JSON.
    const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
    if (req.method === 'POST' && (hasBody || req.path === '/login') && !req.is('application/json')) next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
    else next();
  });
  api.use(express.json({ limit: '4kb' }));

  api.post('/login', async (req, res) => {
    const body = parseOrReject(loginJsonSchema, req.body);
    const outcome = await attemptLogin(req, body.name, body.password);
    if (!outcome.ok) {
      if (outcome.retryAfterSeconds !== undefined) throw new ApiError('RATE_LIMITED', undefined, { retryAfterSeconds: outcome.retryAfterSeconds });
      throw new ApiError('LOGIN_FAILED');
    }
    setSessionCookie(req, res, outcome.id);
    res.set('Cache-Control', 'no-store').json({ user: { name: outcome.user.name, role: outcome.user.role }, csrfToken: outcome.session.csrfToken });
  });

  api.get('/session', async (req, res) => {
    const signedIn = await authenticate(req);
    if (!signedIn) throw new ApiError('LOGIN_REQUIRED');
    res.set('Cache-Control', 'no-store').json({ user: { name: signedIn.user.name, role: signedIn.user.role }, csrfToken: signedIn.session.csrfToken });
  });

  api.post('/logout', async (req, res) => {
    const signedIn = await authenticate(req);
    if (signedIn && !csrfTokensMatch(req.get(CSRF_HEADER), signedIn.session.csrfToken)) throw new ApiError('CSRF_REJECTED');
    await sessions.destroy(cookie(req, SESSION_COOKIE));
    clearCookie(req, res, SESSION_COOKIE);
    res.status(204).end();
  });
  router.use('/auth/api', api);

  return {
    users,
    sessions,
    router,
    requireRole(...roles: Role[]): RequestHandler {
      return async (req, res, next) => {
        const wantsPage = req.method === 'GET' && req.accepts(['json', 'html']) === 'html';
        const signedIn = await authenticate(req);
        if (!signedIn) {
          if (wantsPage) {
            res.redirect(303, `/login?${new URLSearchParams({ next: req.originalUrl }).toString()}`);
            return;
          }
          throw new ApiError('LOGIN_REQUIRED');
        }
        if (!roleAllows(signedIn.user.role, roles)) {
          if (wantsPage) {
            const locale = pageLocale(req, undefined);
            sendPage(res, 403, renderForbiddenPage({
              prompts: deps.prompts,
              locale,
              userName: signedIn.user.name,
              roleName: deps.prompts.text(locale, `auth.roles.${signedIn.user.role}`),
              csrfToken: signedIn.session.csrfToken,
            }));
            return;
          }
          throw new ApiError('ROLE_FORBIDDEN');
        }
        if (isStateChanging(req.method) && !csrfTokensMatch(req.get(CSRF_HEADER), signedIn.session.csrfToken)) {
          throw new ApiError('CSRF_REJECTED');
        }
        res.set('Cache-Control', 'no-store');
        signedInByRequest.set(req, signedIn);
        next();
      };
    },
    signedIn(req: Request): SignedIn {
      const signedIn = signedInByRequest.get(req);
      if (!signedIn) throw new Error('Auth.signedIn: this request did not pass requireRole');
      return signedIn;
    },
  };
}

/** Counts a failure; reaching the limit is what the next attempt's check is for. */
async function consumeQuietly(limiter: RateLimiterAbstract, key: string): Promise<void> {
  try {
    await limiter.consume(key);
  } catch (rejection) {
    if (!(rejection instanceof RateLimiterRes)) throw rejection;
  }
}
