import { DEFAULT_SCRYPT_COST, hashPassword, isPasswordHash, verifyPassword } from './passwords';

/** A low cost keeps these tests fast; the format and the checks are the same at any cost. */
const FAST = { logN: 10, r: 8, p: 1 };

describe('passwords', () => {
  it('hashes with scrypt, a fresh salt each time, and the cost in the hash', async () => {
    const first = await hashPassword('correct horse battery', FAST);
    const second = await hashPassword('correct horse battery', FAST);

    expect(first).toMatch(/^scrypt\$10\$8\$1\$[A-Za-z0-9_-]{22}\$[A-Za-z0-9_-]{43}$/);
    expect(second).not.toBe(first);
    expect(isPasswordHash(first)).toBe(true);
    expect(first).not.toContain('correct');
  });

  it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hashPassword('correct horse battery', FAST);

    await expect(verifyPassword('correct horse battery', hash)).resolves.toBe(true);
    await expect(verifyPassword('correct horse batterY', hash)).resolves.toBe(false);
    await expect(verifyPassword('', hash)).resolves.toBe(false);
  });

  it('reads the cost from the hash, so hashes made at another cost still verify', async () => {
    const cheaper = await hashPassword('another password 1', { logN: 11, r: 4, p: 1 });

    await expect(verifyPassword('another password 1', cheaper)).resolves.toBe(true);
  });

  it('verifies nothing against a malformed or tampered hash', async () => {
    const hash = await hashPassword('correct horse battery', FAST);
    const parts = hash.split('$');
    const tampered = [...parts.slice(0, 5), `${parts[5]?.startsWith('A') ? 'B' : 'A'}${parts[5]?.slice(1)}`].join('$');

    await expect(verifyPassword('correct horse battery', tampered)).resolves.toBe(false);
    await expect(verifyPassword('correct horse battery', 'plain-text-password')).resolves.toBe(false);
    await expect(verifyPassword('x', 'scrypt$30$8$1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA')).resolves.toBe(false);
    expect(isPasswordHash('scrypt$15$8$1$short$short')).toBe(false);
  });

  it('uses interactive-login strength by default (N = 2^15, r = 8)', async () => {
    expect(DEFAULT_SCRYPT_COST).toEqual({ logN: 15, r: 8, p: 1 });
    const hash = await hashPassword('default cost password');
    expect(hash.startsWith('scrypt$15$8$1$')).toBe(true);
    await expect(verifyPassword('default cost password', hash)).resolves.toBe(true);
  });
});
