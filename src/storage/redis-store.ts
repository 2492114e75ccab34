import { randomBytes, randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { RateLimiterMemory, RateLimiterRedis, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { createClient } from 'redis';
import { z } from 'zod';
import { complaintSchema, type Complaint } from '../domain/complaint';
import { RedisScript } from './redis-script';
import { KeyedMutex } from './keyed-mutex';
import { RedisConversationLog } from './redis-conversation-log';
import {
  EtagConflictError,
  LockTimeoutError,
  TrackingCodeTakenError,
  type ComplaintRepository,
  type DocumentStore,
  type DocumentWrite,
  type Store,
  type StoredDocument,
  type TurnLock,
} from './store';
import { assertDistinctKeys, serialise } from './document-codec';

/** A connected node-redis client, as returned by duplicateClient(). */
export type RedisConnection = ReturnType<typeof createClient>;

/** Options of openRedisStore. */
export interface RedisStoreOptions {
  /** `redis[s]://[[user]:password@]host[:port][/db]` */
  url: string;
  /** Prepended to every key, so several deployments (or test runs) can share one Redis. Default 'hl:'. */
  keyPrefix?: string;
  /** Lifetime of a turn lock; a crashed holder blocks its conversation at most this long. Default 30000 ms. */
  lockTtlMs?: number;
  /** Longest wait for a turn lock before LockTimeoutError. Default 15000 ms. */
  lockWaitMs?: number;
  /** Longest wait for the TCP connection at start-up. Default 5000 ms. */
  connectTimeoutMs?: number;
  /** Longest wait for the readiness check's PING (`ping()`, /readyz). Default 2000 ms. */
  pingTimeoutMs?: number;
  /**
   * Told about connection trouble after start-up (the client reconnects by itself), failed
   * lock renewals and releases, malformed conversation events and conversation-log listeners
   * that throw. Commands that fail still reject on their own.
   */
  onError?: (error: Error) => void;
}

/**
 * Checks every expected eTag, then writes every document: all or nothing, because Redis
 * runs a script without interleaving other commands.
 * KEYS: document keys. ARGV: for document i, [3i-2] expected eTag ('*' = any, '' = must
 * not exist), [3i-1] JSON value, [3i] new eTag. Returns 0, or the 1-based index of the first conflict.
 */
const WRITE_DOCUMENTS = new RedisScript(`
for i = 1, #KEYS do
  local expected = ARGV[3 * i - 2]
  if expected ~= '*' then
    local current = redis.call('HGET', KEYS[i], 'e')
    if expected == '' then
      if current then return i end
    elseif current ~= expected then
      return i
    end
  end
end
for i = 1, #KEYS do
  redis.call('HSET', KEYS[i], 'v', ARGV[3 * i - 1], 'e', ARGV[3 * i])
end
return 0
`);

/** Reads all documents in one snapshot. Returns one [value, eTag] pair (nil when missing) per key. */
const READ_DOCUMENTS = new RedisScript(`
local found = {}
for i = 1, #KEYS do
  found[i] = redis.call('HMGET', KEYS[i], 'v', 'e')
end
return found
`);

/**
 * Records a complaint once per idempotency key.
 * KEYS: [1] complaint, [2] idempotency key -> code, [3] the user's sorted set.
 * ARGV: [1] JSON, [2] code, [3] createdAt in ms.
 * Returns {'existing', code} | {'taken', code} | {'created', code}.
 */
const CREATE_COMPLAINT = new RedisScript(`
local existing = redis.call('GET', KEYS[2])
if existing then return {'existing', existing} end
if redis.call('EXISTS', KEYS[1]) == 1 then return {'taken', ARGV[2]} end
redis.call('SET', KEYS[1], ARGV[1])
redis.call('SET', KEYS[2], ARGV[2])
redis.call('ZADD', KEYS[3], ARGV[3], ARGV[2])
return {'created', ARGV[2]}
`);

/** Extends a lock only while we still own it. KEYS: [1] lock. ARGV: [1] token, [2] ttl ms. */
const EXTEND_LOCK = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('PEXPIRE', KEYS[1], ARGV[2])
end
return 0
`);

/** Deletes a lock only while we still own it, never one that expired and went to someone else. */
const RELEASE_LOCK = new RedisScript(`
if redis.call('GET', KEYS[1]) == ARGV[1] then
  return redis.call('DEL', KEYS[1])
end
return 0
`);

const readReplySchema = z.array(z.tuple([z.string().nullable(), z.string().nullable()]));
const createReplySchema = z.tuple([z.enum(['existing', 'taken', 'created']), z.string()]);
const integerReplySchema = z.number().int();

/** A URL safe to print: the password, if any, is masked. */
function printableUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(unparsable URL)';
  }
}

function describeCause(cause: unknown): string {
  if (!(cause instanceof Error)) return String(cause);
  // Node reports a refused dual-stack connect as an AggregateError with an empty message.
  const code = 'code' in cause && typeof cause.code === 'string' ? cause.code : undefined;
  return cause.message || code || cause.name;
}

/**
 * Creates and connects a client that gives up at once when the first connection fails (so a
 * wrong URL stops start-up with a message instead of retrying for ever), but reconnects with
 * backoff once it has been connected.
 */
async function connectClient(
  url: string,
  connectTimeoutMs: number,
  onError: (error: Error) => void,
  what: string,
): Promise<RedisConnection> {
  let connected = false;
  let client: RedisConnection;
  try {
    client = createClient({
      url,
      // No per-command timeout. node-redis 6 gives every command one by default (5 s), made of
      // an AbortSignal.timeout whose timer always runs to the end and then builds a DOMException
      // with a stack trace: at 300 turns/s, ten commands a turn, that cost about 0.1 ms a turn
      // plus garbage, and tripled the p99 in Redis mode (docs/performance.md, 2026-12-07). It
      // only ever covered commands not yet written (the client reconnecting), never a server
      // that stops answering. Now commands wait for a reconnection instead of failing after 5 s;
      // the readiness check (ping(), with its own timer) reports a stalled or unreachable
      // server, and TCP keep-alive a dead connection, after which pending commands fail.
      commandOptions: { timeout: 0 },
      socket: {
        connectTimeout: connectTimeoutMs,
        reconnectStrategy: (retries) =>
          connected ? Math.min(50 * 2 ** retries, 2000) + Math.floor(Math.random() * 100) : false,
      },
    });
  } catch (cause) {
    throw new Error(`${what}: invalid Redis URL ${printableUrl(url)} (${describeCause(cause)})`, { cause });
  }
  client.on('error', (error: unknown) => {
    if (connected) onError(error instanceof Error ? error : new Error(String(error)));
  });
  try {
    // node-redis applies connectTimeout per socket attempt; this bounds the whole start-up,
    // whatever the client does, so a wrong URL can never hang the process.
    await withDeadline(client.connect(), connectTimeoutMs, `no connection within ${connectTimeoutMs} ms`);
  } catch (cause) {
    client.destroy();
    throw new Error(`${what}: cannot reach Redis at ${printableUrl(url)} (${describeCause(cause)})`, { cause });
  }
  connected = true;
  return client;
}

/** `work`, or a rejection with `message` when it has not settled within `ms`. */
async function withDeadline<T>(work: Promise<T>, ms: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(message)), ms);
  });
  try {
    return await Promise.race([work, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Parses a stored complaint, naming the code when the value is damaged. */
function parseStoredComplaint(method: string, code: string, data: string | null): Complaint {
  if (data === null) throw new Error(`ComplaintRepository.${method}: stored complaint ${code} is missing`);
  try {
    return complaintSchema.parse(JSON.parse(data));
  } catch (cause) {
    throw new Error(`ComplaintRepository.${method}: stored complaint ${code} is corrupt`, { cause });
  }
}

/**
 * Shared store for several Hearline processes behind a load balancer.
 *
 * Durability is Redis's: run it with `appendonly yes` (and `appendfsync always` if an
 * accepted complaint must survive power loss). Multi-key scripts and the turn lock assume
 * one Redis primary, not Redis Cluster.
 */
export class RedisStore implements Store {
  readonly kind = 'redis';
  readonly documents: DocumentStore;
  readonly complaints: ComplaintRepository;
  readonly locks: RedisTurnLock;
  /**
   * Listening from the moment open() resolves: an event published after that reaches this
   * instance's subscribers, whichever instance published it.
   */
  readonly conversations: RedisConversationLog;
  private readonly url: string;
  private readonly connectTimeoutMs: number;
  private readonly pingTimeoutMs: number;
  private readonly keyPrefix: string;
  private readonly onError: (error: Error) => void;
  private closed = false;

  private constructor(
    private readonly client: RedisConnection,
    options: Required<RedisStoreOptions>,
  ) {
    this.url = options.url;
    this.connectTimeoutMs = options.connectTimeoutMs;
    this.pingTimeoutMs = options.pingTimeoutMs;
    this.onError = options.onError;
    this.keyPrefix = options.keyPrefix;
    this.documents = new RedisDocumentStore(client, options.keyPrefix);
    this.complaints = new RedisComplaintRepository(client, options.keyPrefix);
    this.locks = new RedisTurnLock(client, options.keyPrefix, options.lockTtlMs, options.lockWaitMs, this.onError);
    this.conversations = new RedisConversationLog({ client, keyPrefix: options.keyPrefix, onError: this.onError });
  }

  /**
   * Connects to Redis (a command connection and a subscriber for conversation events);
   * rejects within connectTimeoutMs with a clear message when it is unreachable.
   */
  static async open(options: RedisStoreOptions): Promise<RedisStore> {
    const lockTtlMs = options.lockTtlMs ?? 30_000;
    const lockWaitMs = options.lockWaitMs ?? 15_000;
    const connectTimeoutMs = options.connectTimeoutMs ?? 5_000;
    if (!(lockTtlMs >= 30)) throw new RangeError(`openRedisStore: lockTtlMs must be >= 30, got ${lockTtlMs}`);
    if (!(lockWaitMs >= 0)) throw new RangeError(`openRedisStore: lockWaitMs must be >= 0, got ${lockWaitMs}`);
    // Without a reporter the errors are dropped here; failing commands still reject.
    const onError = options.onError ?? (() => undefined);
    const client = await connectClient(options.url, connectTimeoutMs, onError, 'openRedisStore');
    const store = new RedisStore(client, {
      url: options.url,
      keyPrefix: options.keyPrefix ?? 'hl:',
      lockTtlMs,
      lockWaitMs,
      connectTimeoutMs,
      pingTimeoutMs: options.pingTimeoutMs ?? 2_000,
      onError,
    });
    try {
      // Subscribed before open() resolves, so callers never need to wait for readiness and
      // no event published after start-up is missed.
      await store.conversations.listen(await store.duplicateClient());
    } catch (error) {
      client.destroy();
      throw error;
    }
    return store;
  }

  rateLimiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    return new RateLimiterRedis({
      storeClient: this.client,
      useRedisPackage: true,
      keyPrefix: `${this.keyPrefix}rl:${name}`,
      points,
      duration: durationSeconds,
      // While Redis cannot be reached, each instance counts on its own rather than refusing or failing requests.
      insuranceLimiter: new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds }),
    });
  }

  async ping(): Promise<void> {
    // Our own timer: node-redis's command timeout stops counting once a command is written, so
    // it would not notice a server that takes the PING and never answers.
    const reply = await withDeadline(this.client.ping(), this.pingTimeoutMs, `RedisStore.ping: no answer within ${this.pingTimeoutMs} ms (timeout)`);
    if (reply !== 'PONG') throw new Error(`RedisStore.ping: unexpected reply ${String(reply)}`);
  }

  /**
   * A new client on the same server, already connected, for work that takes a connection
   * over (pub/sub). The caller owns it and must close it; close() here does not.
   */
  async duplicateClient(): Promise<RedisConnection> {
    return connectClient(this.url, this.connectTimeoutMs, this.onError, 'RedisStore.duplicateClient');
  }

  /**
   * Stops lock renewals, closes the conversation-events subscriber and then the connection
   * after pending commands. Safe to call twice.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.locks.stopRenewals();
    await this.conversations.close();
    if (this.client.isOpen) await this.client.close();
  }
}

/** Connects to Redis and returns the store; see RedisStoreOptions for the defaults. */
export function openRedisStore(options: RedisStoreOptions): Promise<RedisStore> {
  return RedisStore.open(options);
}

class RedisDocumentStore implements DocumentStore {
  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
  ) {}

  private redisKey(key: string): string {
    return `${this.prefix}doc:${key}`;
  }

  async read(keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    const found = new Map<string, StoredDocument>();
    if (keys.length === 0) return found;
    const reply = readReplySchema.parse(
      await READ_DOCUMENTS.run(this.client, { keys: keys.map((key) => this.redisKey(key)) }),
    );
    keys.forEach((key, i) => {
      const [json, eTag] = reply[i] ?? [null, null];
      if (json === null || eTag === null) return;
      let value: unknown;
      try {
        value = JSON.parse(json);
      } catch (cause) {
        throw new Error(`DocumentStore.read: stored document ${key} is not valid JSON`, { cause });
      }
      found.set(key, { value, eTag, json });
    });
    return found;
  }

  async write(entries: readonly DocumentWrite[]): Promise<Map<string, string>> {
    assertDistinctKeys('write', entries.map((entry) => entry.key));
    const eTags = new Map<string, string>();
    if (entries.length === 0) return eTags;
    const args: string[] = [];
    for (const entry of entries) {
      const eTag = randomUUID();
      args.push(entry.expectedETag ?? '*', entry.json ?? serialise(entry.key, entry.value), eTag);
      eTags.set(entry.key, eTag);
    }
    const conflict = integerReplySchema.parse(
      await WRITE_DOCUMENTS.run(this.client, { keys: entries.map((entry) => this.redisKey(entry.key)), arguments: args }),
    );
    if (conflict !== 0) {
      const entry = entries[conflict - 1];
      if (entry === undefined) throw new Error(`DocumentStore.write: script reported conflict at ${conflict}`);
      throw new EtagConflictError(entry.key);
    }
    return eTags;
  }

  async delete(keys: readonly string[]): Promise<void> {
    if (keys.length === 0) return;
    await this.client.del(keys.map((key) => this.redisKey(key)));
  }
}

class RedisComplaintRepository implements ComplaintRepository {
  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
  ) {}

  private complaintKey(code: string): string {
    return `${this.prefix}complaint:${code}`;
  }

  async create(complaint: Complaint): Promise<{ complaint: Complaint; created: boolean }> {
    const valid = complaintSchema.parse(complaint);
    const [outcome, code] = createReplySchema.parse(
      await CREATE_COMPLAINT.run(this.client, {
        keys: [
          this.complaintKey(valid.code),
          `${this.prefix}complaint-key:${valid.idempotencyKey}`,
          `${this.prefix}user-complaints:${valid.userId}`,
        ],
        arguments: [JSON.stringify(valid), valid.code, String(Date.parse(valid.createdAt))],
      }),
    );
    switch (outcome) {
      case 'created':
        return { complaint: valid, created: true };
      case 'taken':
        throw new TrackingCodeTakenError(code);
      case 'existing':
        // Complaints are never deleted, so the one the key points at is still there.
        return { complaint: parseStoredComplaint('create', code, await this.client.get(this.complaintKey(code))), created: false };
    }
  }

  async findByCode(code: string): Promise<Complaint | undefined> {
    const data = await this.client.get(this.complaintKey(code));
    return data === null ? undefined : parseStoredComplaint('findByCode', code, data);
  }

  async listByUser(userId: string, limit: number): Promise<Complaint[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`ComplaintRepository.listByUser: limit must be a non-negative integer, got ${limit}`);
    }
    if (limit === 0) return [];
    const codes = await this.client.zRange(`${this.prefix}user-complaints:${userId}`, 0, limit - 1, { REV: true });
    if (codes.length === 0) return [];
    const values = await this.client.mGet(codes.map((code) => this.complaintKey(code)));
    return codes.map((code, i) => parseStoredComplaint('listByUser', code, values[i] ?? null));
  }

  async replace(complaint: Complaint): Promise<void> {
    const valid = complaintSchema.parse(complaint);
    const key = this.complaintKey(valid.code);
    const data = await this.client.get(key);
    if (data === null) throw new Error(`ComplaintRepository.replace: no complaint ${valid.code}`);
    assertSameIdentity(parseStoredComplaint('replace', valid.code, data), valid);
    // XX: never resurrect a complaint that vanished between the read and the write.
    const reply = await this.client.set(key, JSON.stringify(valid), { condition: 'XX' });
    if (reply === null) throw new Error(`ComplaintRepository.replace: no complaint ${valid.code}`);
  }
}

/**
 * The fields that index a complaint never change after it is recorded; a replace that
 * changes them is a bug in the caller, and would leave the indexes pointing at old values.
 */
function assertSameIdentity(stored: Complaint, next: Complaint): void {
  for (const field of ['idempotencyKey', 'userId', 'createdAt'] as const) {
    if (stored[field] !== next[field]) {
      throw new Error(`ComplaintRepository.replace: ${field} of complaint ${next.code} cannot change`);
    }
  }
}

/**
 * Turn lock shared by every process using the same Redis.
 *
 * Waiters in this process queue on a KeyedMutex first, so only one of them polls Redis and
 * the process never competes with itself; the Redis lock then excludes other processes.
 * The lock carries a random token and a TTL that is renewed while the turn runs, so a
 * crashed holder frees its conversation after at most lockTtlMs.
 */
export class RedisTurnLock implements TurnLock {
  private readonly local = new KeyedMutex();
  private readonly renewals = new Set<NodeJS.Timeout>();

  constructor(
    private readonly client: RedisConnection,
    private readonly prefix: string,
    private readonly ttlMs: number,
    private readonly waitMs: number,
    private readonly onError: (error: Error) => void,
  ) {}

  async withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const started = performance.now();
    // One wait budget for both stages: the caller asked for at most waitMs in total.
    const releaseLocal = await this.local.acquire(key, this.waitMs);
    try {
      const lockKey = `${this.prefix}lock:${key}`;
      const token = await this.acquireShared(key, lockKey, started + this.waitMs);
      const stopRenewal = this.keepAlive(key, lockKey, token);
      try {
        return await fn();
      } finally {
        stopRenewal();
        await this.releaseShared(key, lockKey, token);
      }
    } finally {
      releaseLocal();
    }
  }

  /** Stops every renewal timer (the store is closing). */
  stopRenewals(): void {
    for (const timer of this.renewals) clearInterval(timer);
    this.renewals.clear();
  }

  private async acquireShared(key: string, lockKey: string, deadline: number): Promise<string> {
    const token = randomBytes(16).toString('base64url');
    for (;;) {
      const reply = await this.client.set(lockKey, token, {
        condition: 'NX',
        expiration: { type: 'PX', value: this.ttlMs },
      });
      if (reply === 'OK') return token;
      const left = deadline - performance.now();
      if (left <= 0) throw new LockTimeoutError(key, this.waitMs);
      // Jitter keeps processes that lost the same race from retrying in lockstep.
      await sleep(Math.min(left, 5 + Math.random() * 20));
    }
  }

  private keepAlive(key: string, lockKey: string, token: string): () => void {
    let stopped = false;
    const timer = setInterval(() => {
      EXTEND_LOCK.run(this.client, { keys: [lockKey], arguments: [token, String(this.ttlMs)] })
        .then((reply) => {
          if (!stopped && integerReplySchema.parse(reply) !== 1) {
            this.onError(new Error(`TurnLock.withLock: lost the lock on ${key} (it expired before renewal)`));
          }
        })
        .catch((cause: unknown) => {
          if (!stopped) this.onError(new Error(`TurnLock.withLock: could not renew the lock on ${key}`, { cause }));
        });
    }, Math.floor(this.ttlMs / 3));
    // A renewal timer alone must not keep the process alive.
    timer.unref();
    this.renewals.add(timer);
    return () => {
      stopped = true;
      clearInterval(timer);
      this.renewals.delete(timer);
    };
  }

  private async releaseShared(key: string, lockKey: string, token: string): Promise<void> {
    try {
      await RELEASE_LOCK.run(this.client, { keys: [lockKey], arguments: [token] });
    } catch (cause) {
      // The turn itself succeeded or failed on its own; the TTL frees the lock anyway.
      this.onError(new Error(`TurnLock.withLock: could not release the lock on ${key}`, { cause }));
    }
  }
}
