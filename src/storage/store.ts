import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Complaint } from '../domain/complaint';

/** A JSON document with the version tag it was stored under. */
export interface StoredDocument {
  value: unknown;
  eTag: string;
  /** The value's JSON text as stored, when the store keeps it as text (saves serialising it again). */
  json?: string;
}

/** One write to a DocumentStore. */
export interface DocumentWrite {
  key: string;
  /** Any JSON-serialisable value. */
  value: unknown;
  /** `JSON.stringify(value)`, when the caller has already made it; the store then writes it as it is. */
  json?: string;
  /**
   * Optimistic concurrency: when set and not '*', the stored eTag must equal it (or, for
   * the value '', the key must not exist), otherwise the whole write fails with
   * EtagConflictError and nothing is written.
   */
  expectedETag?: string;
}

/** Thrown when a conditional write finds another version stored. */
export class EtagConflictError extends Error {
  constructor(readonly key: string) {
    super(`DocumentStore.write: eTag conflict on key ${key}`);
    this.name = 'EtagConflictError';
  }
}

/** Key/value store for conversation and user state (botbuilder's Storage is adapted onto this). */
export interface DocumentStore {
  /** Documents by key; missing keys are absent from the map. */
  read(keys: readonly string[]): Promise<Map<string, StoredDocument>>;
  /** Writes all entries atomically; returns the new eTag of each key. */
  write(entries: readonly DocumentWrite[]): Promise<Map<string, string>>;
  delete(keys: readonly string[]): Promise<void>;
}

/** Durable record of complaints. Values read back are parsed with complaintSchema. */
export interface ComplaintRepository {
  /**
   * Stores the complaint unless one with the same idempotencyKey exists; either way returns
   * the stored complaint and whether this call created it. Tracking codes are unique: a
   * clash throws TrackingCodeTakenError so the caller can draw another code.
   */
  create(complaint: Complaint): Promise<{ complaint: Complaint; created: boolean }>;
  findByCode(code: string): Promise<Complaint | undefined>;
  /** Complaints of one user id, newest first. */
  listByUser(userId: string, limit: number): Promise<Complaint[]>;
  /** Replaces a stored complaint (same code); throws if it does not exist. */
  replace(complaint: Complaint): Promise<void>;
}

export class TrackingCodeTakenError extends Error {
  constructor(readonly code: string) {
    super(`ComplaintRepository.create: tracking code ${code} is taken`);
    this.name = 'TrackingCodeTakenError';
  }
}

/** Thrown when a lock could not be taken within the wait limit. */
export class LockTimeoutError extends Error {
  constructor(readonly key: string, waitedMs: number) {
    super(`TurnLock.withLock: could not lock ${key} within ${waitedMs} ms`);
    this.name = 'LockTimeoutError';
  }
}

/** Mutual exclusion per key: two turns of one conversation never run at once. */
export interface TurnLock {
  /** Runs fn while holding the lock for key; waits (FIFO within a process) for the holder. */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
}

/** Everything Hearline keeps, behind one interface: embedded SQLite or shared Redis. */
export interface Store {
  readonly kind: 'sqlite' | 'redis';
  readonly documents: DocumentStore;
  readonly complaints: ComplaintRepository;
  readonly locks: TurnLock;
  readonly conversations: ConversationLog;
  /** Resolves when the store answers; used by /readyz. */
  ping(): Promise<void>;
  /**
   * A limiter of `points` per `durationSeconds` per key, counted where every instance counts:
   * in this process for SQLite (one instance), in Redis with REDIS_URL. `name` keeps limiters apart.
   */
  rateLimiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract;
  close(): Promise<void>;
}

/** A conversation known to a chat channel (Direct Line), and whose it is. */
export interface ConversationRecord {
  conversationId: string;
  userId: string;
  createdAt: string;
}

/** Something that happened in a conversation's log, told to every subscriber on every instance. */
export type ConversationLogEvent =
  /**
   * `activity` is the appended activity as stored (JSON values only), so a listener can pass it
   * on without reading the log; it may be absent (an event from an older instance), and then the
   * listener reads from its watermark. Listeners must not change it: every listener gets the same object.
   */
  | { kind: 'appended'; conversationId: string; watermark: number; activity?: unknown }
  | { kind: 'signal'; conversationId: string; payload: unknown };

/**
 * The ordered record of a channel conversation's activities (user messages echoed, bot replies),
 * read from a watermark, with notifications across instances. Watermarks are 1, 2, 3... per
 * conversation: the position of the activity in the log.
 */
export interface ConversationLog {
  /** Creates the conversation; false (and nothing changed) when it already exists. */
  create(record: ConversationRecord): Promise<boolean>;
  get(conversationId: string): Promise<ConversationRecord | undefined>;
  /** Appends an activity (any JSON) and returns its watermark; subscribers are then told. */
  append(conversationId: string, activity: unknown): Promise<number>;
  /** Activities after `afterWatermark` (0 = from the start), oldest first, at most `limit`. */
  read(conversationId: string, afterWatermark: number, limit?: number): Promise<Array<{ watermark: number; activity: unknown }>>;
  /** Tells subscribers something that is not kept (a typing indicator). */
  signal(conversationId: string, payload: unknown): Promise<void>;
  /** Hears every event of every conversation; returns the function that stops listening. */
  subscribe(listener: (event: ConversationLogEvent) => void): () => void;
}
