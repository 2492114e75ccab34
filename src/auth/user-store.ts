import { randomBytes } from 'node:crypto';
import { z } from 'zod';
import { EtagConflictError, type DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import { DEFAULT_SCRYPT_COST, hashPassword, isPasswordHash, verifyPassword, type ScryptCost } from './passwords';
import { passwordSchema, roleSchema, userNameSchema, type Role } from './roles';

const USER_INDEX_KEY = 'auth/users';
const userKey = (name: string) => `auth/user/${name}`;

const storedUserSchema = z.object({
  name: userNameSchema,
  role: roleSchema,
  passwordHash: z.string().refine(isPasswordHash, 'is not a scrypt hash'),
  /** Raised by every password change: sessions made before it stop working. */
  credentialVersion: z.number().int().nonnegative(),
  createdAt: z.iso.datetime(),
  updatedAt: z.iso.datetime(),
});
type StoredUser = z.infer<typeof storedUserSchema>;

const userIndexSchema = z.object({ names: z.array(userNameSchema) });

/** A user as the rest of Hearline sees one: never with the password hash. */
export interface User {
  name: string;
  role: Role;
  credentialVersion: number;
  createdAt: string;
  updatedAt: string;
}

export class UserExistsError extends Error {
  constructor(readonly userName: string) {
    super(`UserStore.add: user ${userName} already exists`);
    this.name = 'UserExistsError';
  }
}

export class UnknownUserError extends Error {
  constructor(method: string, readonly userName: string) {
    super(`UserStore.${method}: no user ${userName}`);
    this.name = 'UnknownUserError';
  }
}

const ATTEMPTS = 8;

/**
 * The people who may sign in, in the store's DocumentStore so that every instance (and the
 * CLI) sees the same users: one document per user at `auth/user/<name>` and an index of names at
 * `auth/users`, written together under eTag checks. There are no default users or passwords:
 * the first one is made with `bin/hearline user add`.
 */
export class UserStore {
  private readonly cost: ScryptCost;
  /** A hash to check unknown names against, so that they take as long as known ones. */
  private decoy: Promise<string> | undefined;

  constructor(private readonly deps: { documents: DocumentStore; clock: Clock; scryptCost?: ScryptCost }) {
    this.cost = deps.scryptCost ?? DEFAULT_SCRYPT_COST;
  }

  /** Adds a user; throws UserExistsError when the name is taken, a ZodError for a bad name or password. */
  async add(input: { name: string; role: Role; password: string }): Promise<User> {
    const name = userNameSchema.parse(input.name);
    const role = roleSchema.parse(input.role);
    const passwordHash = await hashPassword(passwordSchema.parse(input.password), this.cost);
    const now = this.deps.clock.now().toISOString();
    const user: StoredUser = { name, role, passwordHash, credentialVersion: 1, createdAt: now, updatedAt: now };
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const { index, eTag } = await this.readIndex();
      if (index.names.includes(name) || (await this.readUser(name))) throw new UserExistsError(name);
      try {
        await this.deps.documents.write([
          { key: userKey(name), value: user, expectedETag: '' },
          { key: USER_INDEX_KEY, value: { names: [...index.names, name].sort() }, expectedETag: eTag },
        ]);
        return publicUser(user);
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    throw new Error(`UserStore.add: the user index keeps changing while adding ${name}`);
  }

  async get(name: string): Promise<User | undefined> {
    const parsed = userNameSchema.safeParse(name);
    if (!parsed.success) return undefined;
    const stored = await this.readUser(parsed.data);
    return stored && publicUser(stored.user);
  }

  /** Every user, by name. */
  async list(): Promise<User[]> {
    const { index } = await this.readIndex();
    const documents = await this.deps.documents.read(index.names.map(userKey));
    return index.names.flatMap((name) => {
      const stored = documents.get(userKey(name));
      return stored ? [publicUser(parseUser(name, stored.value))] : [];
    });
  }

  /** Removes a user; false when there was none. Their sessions stop working at once. */
  async remove(name: string): Promise<boolean> {
    const valid = userNameSchema.parse(name);
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const { index, eTag } = await this.readIndex();
      const existed = index.names.includes(valid);
      if (!existed && !(await this.readUser(valid))) return false;
      try {
        await this.deps.documents.write([{ key: USER_INDEX_KEY, value: { names: index.names.filter((n) => n !== valid) }, expectedETag: eTag }]);
        await this.deps.documents.delete([userKey(valid)]);
        return true;
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    throw new Error(`UserStore.remove: the user index keeps changing while removing ${valid}`);
  }

  /** Sets a new password and ends every session the user had (credentialVersion goes up). */
  async setPassword(name: string, password: string): Promise<User> {
    const valid = userNameSchema.parse(name);
    const passwordHash = await hashPassword(passwordSchema.parse(password), this.cost);
    for (let attempt = 0; attempt < ATTEMPTS; attempt += 1) {
      const stored = await this.readUser(valid);
      if (!stored) throw new UnknownUserError('setPassword', valid);
      const user: StoredUser = {
        ...stored.user,
        passwordHash,
        credentialVersion: stored.user.credentialVersion + 1,
        updatedAt: this.deps.clock.now().toISOString(),
      };
      try {
        await this.deps.documents.write([{ key: userKey(valid), value: user, expectedETag: stored.eTag }]);
        return publicUser(user);
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    throw new Error(`UserStore.setPassword: user ${valid} keeps changing`);
  }

  /**
   * The user when the name and password match, else undefined. An unknown or malformed name
   * costs one scrypt too, so response times do not tell which names exist.
   */
  async verify(name: string, password: string): Promise<User | undefined> {
    const parsed = userNameSchema.safeParse(name);
    const stored = parsed.success && password.length <= 1024 ? await this.readUser(parsed.data) : undefined;
    if (!stored) {
      this.decoy ??= hashPassword(randomBytes(16).toString('hex'), this.cost);
      await verifyPassword(password.slice(0, 1024), await this.decoy);
      return undefined;
    }
    return (await verifyPassword(password, stored.user.passwordHash)) ? publicUser(stored.user) : undefined;
  }

  private async readIndex(): Promise<{ index: z.infer<typeof userIndexSchema>; eTag: string }> {
    const stored = (await this.deps.documents.read([USER_INDEX_KEY])).get(USER_INDEX_KEY);
    if (!stored) return { index: { names: [] }, eTag: '' };
    const parsed = userIndexSchema.safeParse(stored.value);
    if (!parsed.success) throw new Error(`UserStore: the user index ${USER_INDEX_KEY} is corrupt`, { cause: parsed.error });
    return { index: parsed.data, eTag: stored.eTag };
  }

  private async readUser(name: string): Promise<{ user: StoredUser; eTag: string } | undefined> {
    const stored = (await this.deps.documents.read([userKey(name)])).get(userKey(name));
    return stored && { user: parseUser(name, stored.value), eTag: stored.eTag };
  }
}

function parseUser(name: string, value: unknown): StoredUser {
  const parsed = storedUserSchema.safeParse(value);
  if (!parsed.success || parsed.data.name !== name) throw new Error(`UserStore: stored user ${name} is corrupt`, { cause: parsed.error });
  return parsed.data;
}

function publicUser(user: StoredUser): User {
  return { name: user.name, role: user.role, credentialVersion: user.credentialVersion, createdAt: user.createdAt, updatedAt: user.updatedAt };
}
