import { randomBytes, scrypt, timingSafeEqual, type ScryptOptions } from 'node:crypto';

/** scrypt's cost: N = 2^logN iterations of blocks of r, p in parallel. */
export interface ScryptCost {
  logN: number;
  r: number;
  p: number;
}

/**
 * N = 2^15, r = 8, p = 1: 32 MiB and about 50-100 ms per hash on a server core, the
 * interactive-login parameters of RFC 7914 and OWASP. Costs are stored with each hash, so
 * raising them later leaves existing passwords readable.
 */
export const DEFAULT_SCRYPT_COST: ScryptCost = { logN: 15, r: 8, p: 1 };

const KEY_BYTES = 32;
const SALT_BYTES = 16;
/** `scrypt$<logN>$<r>$<p>$<salt base64url>$<key base64url>` */
const ENCODED = /^scrypt\$(\d{1,2})\$(\d{1,2})\$(\d{1,2})\$([A-Za-z0-9_-]{16,})\$([A-Za-z0-9_-]{32,})$/;

function derive(password: string, salt: Buffer, cost: ScryptCost, keyBytes: number): Promise<Buffer> {
  const N = 2 ** cost.logN;
  // Node refuses by default above 32 MiB; allow twice what these parameters need (128 * N * r).
  const options: ScryptOptions = { N, r: cost.r, p: cost.p, maxmem: 256 * N * cost.r };
  return new Promise((resolve, reject) => {
    scrypt(password.normalize('NFKC'), salt, keyBytes, options, (error, key) => (error ? reject(error) : resolve(key)));
  });
}

/** Hashes a password with a fresh random salt; the result carries its cost and salt. */
export async function hashPassword(password: string, cost: ScryptCost = DEFAULT_SCRYPT_COST): Promise<string> {
  const salt = randomBytes(SALT_BYTES);
  const key = await derive(password, salt, cost, KEY_BYTES);
  return ['scrypt', cost.logN, cost.r, cost.p, salt.toString('base64url'), key.toString('base64url')].join('$');
}

/** Whether `encoded` (from hashPassword) is in the format hashPassword writes. */
export function isPasswordHash(encoded: string): boolean {
  const match = ENCODED.exec(encoded);
  return match !== null && Number(match[1]) >= 10 && Number(match[1]) <= 20;
}

/**
 * Checks a password against a stored hash in constant time (for a given hash). A malformed
 * hash verifies nothing.
 */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const match = ENCODED.exec(encoded);
  if (!match || !isPasswordHash(encoded)) return false;
  const [, logN, r, p, salt, key] = match;
  const expected = Buffer.from(key ?? '', 'base64url');
  const actual = await derive(password, Buffer.from(salt ?? '', 'base64url'), { logN: Number(logN), r: Number(r), p: Number(p) }, expected.length);
  return actual.length === expected.length && timingSafeEqual(actual, expected);
}
