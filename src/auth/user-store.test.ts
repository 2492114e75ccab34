import { ZodError } from 'zod';
import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import { ManualClock } from '../util/clock';
import { UnknownUserError, UserExistsError, UserStore } from './user-store';

const FAST = { logN: 10, r: 8, p: 1 };

function setup() {
  const documents = new MemoryDocumentStore();
  const clock = new ManualClock('2026-03-01T09:00:00Z');
  return { documents, clock, users: new UserStore({ documents, clock, scryptCost: FAST }) };
}

describe('UserStore', () => {
  it('has no users until one is added: no defaults', async () => {
    const { users, documents } = setup();
    await expect(users.list()).resolves.toEqual([]);
    await expect(users.verify('admin', 'admin')).resolves.toBeUndefined();
    expect(documents.documents.size).toBe(0);
  });

  it('adds users with a lower-cased name and a role, never exposing the hash', async () => {
    const { users, documents } = setup();
    const added = await users.add({ name: 'Alice', role: 'editor', password: 'a long password' });

    expect(added).toEqual({ name: 'alice', role: 'editor', credentialVersion: 1, createdAt: '2026-03-01T09:00:00.000Z', updatedAt: '2026-03-01T09:00:00.000Z' });
    await users.add({ name: 'bob', role: 'agent', password: 'another long one' });
    expect((await users.list()).map((user) => `${user.name}:${user.role}`)).toEqual(['alice:editor', 'bob:agent']);
    const stored = JSON.stringify([...documents.documents.values()]);
    expect(stored).not.toContain('a long password');
    expect(stored).toContain('scrypt$10$');
  });

  it('refuses a taken name, a short password and a bad name', async () => {
    const { users } = setup();
    await users.add({ name: 'alice', role: 'editor', password: 'a long password' });
    await expect(users.add({ name: 'ALICE', role: 'admin', password: 'a long password' })).rejects.toBeInstanceOf(UserExistsError);
    await expect(users.add({ name: 'carol', role: 'editor', password: 'short' })).rejects.toBeInstanceOf(ZodError);
    await expect(users.add({ name: 'no spaces please', role: 'editor', password: 'a long password' })).rejects.toBeInstanceOf(ZodError);
    expect(await users.list()).toHaveLength(1);
  });

  it('verifies name and password, case-insensitively for the name only', async () => {
    const { users } = setup();
    await users.add({ name: 'alice', role: 'editor', password: 'a long password' });
    await expect(users.verify('Alice', 'a long password')).resolves.toMatchObject({ name: 'alice', role: 'editor' });
    await expect(users.verify('alice', 'A long password')).resolves.toBeUndefined();
    await expect(users.verify('nobody', 'a long password')).resolves.toBeUndefined();
    await expect(users.verify('bad name!', 'a long password')).resolves.toBeUndefined();
  });

  it('changes a password and raises the credential version', async () => {
    const { users, clock } = setup();
    await users.add({ name: 'alice', role: 'editor', password: 'a long password' });
    clock.advance(1000);
    const changed = await users.setPassword('alice', 'a new long password');

    expect(changed).toMatchObject({ credentialVersion: 2, updatedAt: '2026-03-01T09:00:01.000Z' });
    await expect(users.verify('alice', 'a long password')).resolves.toBeUndefined();
    await expect(users.verify('alice', 'a new long password')).resolves.toMatchObject({ credentialVersion: 2 });
    await expect(users.setPassword('nobody', 'a new long password')).rejects.toBeInstanceOf(UnknownUserError);
  });

  it('removes users', async () => {
    const { users } = setup();
    await users.add({ name: 'alice', role: 'editor', password: 'a long password' });
    await expect(users.remove('alice')).resolves.toBe(true);
    await expect(users.remove('alice')).resolves.toBe(false);
    await expect(users.get('alice')).resolves.toBeUndefined();
    await expect(users.list()).resolves.toEqual([]);
  });

  it('keeps both users when two are added at once (eTag retry on the index)', async () => {
    const { users } = setup();
    await Promise.all([
      users.add({ name: 'alice', role: 'editor', password: 'a long password' }),
      users.add({ name: 'bob', role: 'agent', password: 'a long password' }),
      users.add({ name: 'carol', role: 'admin', password: 'a long password' }),
    ]);
    expect((await users.list()).map((user) => user.name)).toEqual(['alice', 'bob', 'carol']);
  });
});
