import { z } from 'zod';

/**
 * Who may do what: `editor` keeps the knowledge base, `agent` answers customers in the agent
 * console, `admin` may do everything either of them may.
 */
export const ROLES = ['admin', 'editor', 'agent'] as const;
export const roleSchema = z.enum(ROLES);
export type Role = z.infer<typeof roleSchema>;

/** Shortest password accepted anywhere (CLI and any later form). */
export const MIN_PASSWORD_LENGTH = 10;
/** Longest password accepted: scrypt would take any length, but nobody types more. */
export const MAX_PASSWORD_LENGTH = 1024;

/** User names: lower-cased on the way in, so "Alice" and "alice" are one user. */
export const userNameSchema = z
  .string()
  .trim()
  .toLowerCase()
  .regex(/^[a-z0-9][a-z0-9._@-]{1,63}$/, 'must be 2-64 letters, digits or . _ @ -, starting with a letter or digit');

export const passwordSchema = z
  .string()
  .refine((password) => [...password].length >= MIN_PASSWORD_LENGTH, `must be at least ${MIN_PASSWORD_LENGTH} characters`)
  .refine((password) => password.length <= MAX_PASSWORD_LENGTH, `must be at most ${MAX_PASSWORD_LENGTH} characters`);

/** Whether a user of `role` may use something open to `allowed`: admin may use everything. */
export function roleAllows(role: Role, allowed: readonly Role[]): boolean {
  return role === 'admin' || allowed.includes(role);
}

/** Where a user lands after signing in without a `next` page. */
export function homePathOf(role: Role): string {
  return role === 'agent' ? '/agent' : '/editor';
}
