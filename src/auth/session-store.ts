import { createHash, randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EtagConflictError, type DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import { newCsrfToken } from './csrf';
import { userNameSchema } from './roles';

/** Session ids are 32 random bytes, base64url: what a cookie must look like to be looked up. */
const SESSION_ID = /^[A-Za-z0-9_-]{43}$/;

/**
 * Stored under a hash of the id: whoever reads the store (a backup, a Redis dump) learns no id
 * that would work in a cookie.
 */
const sessionKey = (id: string) => `auth/session/${createHash('sha256').update(id).digest('hex')}`;
const userSessionsKey = (name: string) => `auth/user-sessions/${name}`;

const sessionSchema = z.object({
  userName: userNameSchema,
  /** The user's credentialVersion at sign-in: a password change ends the session. */
  credentialVersion: z.number().int().nonnegative(),
  csrfToken: z.string().min(32),
  createdAt: z.iso.datetime(),
  lastSeenAt: z.iso.datetime(),
  /** The hard end, however active the session is. */
  expiresAt: z.iso.datetime(),
});
/** A signed-in session as kept in the store. */
export type SessionRecord = z.infer<typeof sessionSchema>;

/** The sessions of one user, so that they can be ended together and expired ones cleared. */
const userSessionsSchema = z.object({ sessions: z.array(z.object({ key: z.string(), expiresAt: z.iso.datetime() })) });

/** How long sessions last. */
export interface SessionLifetime {
  /** Ended after this long without a request. */
  idleMs: number;
  /** Ended after this long in any case. */
  maxMs: number;
  /** lastSeenAt is written at most this often, not on every request. Default one minute. */
  touchEveryMs?: number;
}

/**
 * Server-side sessions in the DocumentStore, so that every instance knows every session and a
 * sign-out or a removed user takes effect everywhere at once. The browser holds only the random
 * id (in an HttpOnly cookie).
 */
export class SessionStore {
  private readonly touchEveryMs: number;

  constructor(private readonly deps: { documents: DocumentStore; clock: Clock; lifetime: SessionLifetime }) {
    this.touchEveryMs = deps.lifetime.touchEveryMs ?? 60_000;
  }

  /** Starts a session for a user; returns the id for the cookie and the record (with its CSRF token). */
  async create(user: { name: string; credentialVersion: number }): Promise<{ id: string; session: SessionRecord }> {
    const id = randomBytes(32).toString('base64url');
    const now = this.deps.clock.now();
    const session: SessionRecord = {
      userName: user.name,
      credentialVersion: user.credentialVersion,
      csrfToken: newCsrfToken(),
      createdAt: now.toISOString(),
      lastSeenAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.deps.lifetime.maxMs).toISOString(),
    };
    const key = sessionKey(id);
    for (let attempt = 0; attempt < 8; attempt += 1) {
      const { list, eTag } = await this.readUserSessions(user.name);
      // Expired sessions of this user are cleared here, so they cannot pile up in the store.
      const live = list.filter((entry) => Date.parse(entry.expiresAt) > now.getTime());
      const dead = list.filter((entry) => !live.includes(entry)).map((entry) => entry.key);
      try {
        await this.deps.documents.write([
          { key, value: session, expectedETag: '' },
          { key: userSessionsKey(user.name), value: { sessions: [...live, { key, expiresAt: session.expiresAt }] }, expectedETag: eTag },
        ]);
        if (dead.length > 0) await this.deps.documents.delete(dead);
        return { id, session };
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    throw new Error(`SessionStore.create: the sessions of ${user.name} keep changing`);
  }

  /**
   * The live session for a cookie value, or undefined (unknown, ended, idle too long, expired).
   * A session found dead is deleted; a live one has its lastSeenAt moved on.
   */
  async resolve(id: string | undefined): Promise<SessionRecord | undefined> {
    if (id === undefined || !SESSION_ID.test(id)) return undefined;
    const key = sessionKey(id);
    const stored = (await this.deps.documents.read([key])).get(key);
    if (!stored) return undefined;
    const parsed = sessionSchema.safeParse(stored.value);
    if (!parsed.success) {
      await this.deps.documents.delete([key]);
      return undefined;
    }
    const session = parsed.data;
    const now = this.deps.clock.now().getTime();
    const idleUntil = Date.parse(session.lastSeenAt) + this.deps.lifetime.idleMs;
    if (now >= Date.parse(session.expiresAt) || now >= idleUntil) {
      await this.deps.documents.delete([key]);
      return undefined;
    }
    if (now - Date.parse(session.lastSeenAt) >= this.touchEveryMs) {
      const touched = { ...session, lastSeenAt: new Date(now).toISOString() };
      try {
        // Conditional, so that a sign-out racing this request is not undone.
        await this.deps.documents.write([{ key, value: touched, expectedETag: stored.eTag }]);
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
      return touched;
    }
    return session;
  }

  /** Ends one session (sign-out). */
  async destroy(id: string | undefined): Promise<void> {
    if (id === undefined || !SESSION_ID.test(id)) return;
    await this.deps.documents.delete([sessionKey(id)]);
  }

  /** Ends every session of a user (removed, or a new password). */
  async destroyAllOf(userName: string): Promise<void> {
    const { list } = await this.readUserSessions(userName);
    await this.deps.documents.delete([...list.map((entry) => entry.key), userSessionsKey(userName)]);
  }

  private async readUserSessions(userName: string): Promise<{ list: Array<{ key: string; expiresAt: string }>; eTag: string }> {
    const key = userSessionsKey(userName);
    const stored = (await this.deps.documents.read([key])).get(key);
    if (!stored) return { list: [], eTag: '' };
    const parsed = userSessionsSchema.safeParse(stored.value);
    // A corrupt list only costs the clean-up of expired sessions: start a new one.
    return { list: parsed.success ? parsed.data.sessions : [], eTag: stored.eTag };
  }
}
