import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import { ManualClock } from '../util/clock';
import { SessionStore } from './session-store';

const MINUTE = 60_000;
const user = { name: 'alice', credentialVersion: 1 };

function setup() {
  const documents = new MemoryDocumentStore();
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  const sessions = new SessionStore({ documents, clock, lifetime: { idleMs: 30 * MINUTE, maxMs: 8 * 60 * MINUTE, touchEveryMs: MINUTE } });
  return { documents, clock, sessions };
}

describe('SessionStore', () => {
  it('starts a session with a random id and a CSRF token, stored under a hash of the id', async () => {
    const { documents, sessions } = setup();
    const { id, session } = await sessions.create(user);

    expect(id).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(session).toMatchObject({ userName: 'alice', credentialVersion: 1, expiresAt: '2026-03-01T17:00:00.000Z' });
    expect(session.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect([...documents.documents.keys()].some((key) => key.includes(id))).toBe(false);
    await expect(sessions.resolve(id)).resolves.toEqual(session);
    expect((await sessions.create(user)).id).not.toBe(id);
  });

  it('knows nothing of unknown, malformed or missing ids', async () => {
    const { sessions } = setup();
    await sessions.create(user);
    await expect(sessions.resolve(undefined)).resolves.toBeUndefined();
    await expect(sessions.resolve('not-a-session')).resolves.toBeUndefined();
    await expect(sessions.resolve('A'.repeat(43))).resolves.toBeUndefined();
  });

  it('ends a session left idle too long, and deletes it', async () => {
    const { clock, sessions, documents } = setup();
    const { id } = await sessions.create(user);
    const before = documents.documents.size;

    clock.advance(29 * MINUTE);
    await expect(sessions.resolve(id)).resolves.toBeDefined();
    // Activity moved lastSeenAt on: another 29 minutes is still within the idle limit.
    clock.advance(29 * MINUTE);
    await expect(sessions.resolve(id)).resolves.toMatchObject({ lastSeenAt: '2026-03-01T09:58:00.000Z' });
    clock.advance(30 * MINUTE);
    await expect(sessions.resolve(id)).resolves.toBeUndefined();
    expect(documents.documents.size).toBe(before - 1);
  });

  it('ends an active session at its hard expiry', async () => {
    const { clock, sessions } = setup();
    const { id } = await sessions.create(user);
    // A request every 20 minutes keeps it from idling out, up to 7 h 40 min...
    for (let step = 0; step < 23; step += 1) {
      clock.advance(20 * MINUTE);
      await expect(sessions.resolve(id)).resolves.toBeDefined();
    }
    // ...but not past 8 hours.
    clock.advance(20 * MINUTE);
    await expect(sessions.resolve(id)).resolves.toBeUndefined();
  });

  it('does not write on every request, only once a touch interval has passed', async () => {
    const { clock, sessions, documents } = setup();
    const { id } = await sessions.create(user);
    let writes = 0;
    documents.beforeWrite = () => {
      writes += 1;
    };
    clock.advance(10_000);
    await sessions.resolve(id);
    await sessions.resolve(id);
    expect(writes).toBe(0);
    clock.advance(MINUTE);
    await sessions.resolve(id);
    expect(writes).toBe(1);
  });

  it('signs out one session, or every session of a user', async () => {
    const { sessions } = setup();
    const first = await sessions.create(user);
    const second = await sessions.create(user);
    const other = await sessions.create({ name: 'bob', credentialVersion: 1 });

    await sessions.destroy(first.id);
    await expect(sessions.resolve(first.id)).resolves.toBeUndefined();
    await expect(sessions.resolve(second.id)).resolves.toBeDefined();

    const third = await sessions.create(user);
    await sessions.destroyAllOf('alice');
    await expect(sessions.resolve(second.id)).resolves.toBeUndefined();
    await expect(sessions.resolve(third.id)).resolves.toBeUndefined();
    await expect(sessions.resolve(other.id)).resolves.toBeDefined();
  });

  it('clears a user\'s expired sessions from the store when they sign in again', async () => {
    const { clock, sessions, documents } = setup();
    await sessions.create(user);
    await sessions.create(user);
    const sessionKeys = () => [...documents.documents.keys()].filter((key) => key.startsWith('auth/session/'));
    expect(sessionKeys()).toHaveLength(2);
    clock.advance(9 * 60 * MINUTE);
    await sessions.create(user);
    expect(sessionKeys()).toHaveLength(1);
  });
});
