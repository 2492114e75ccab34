import { randomUUID } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { RateLimiterMemory, type RateLimiterAbstract } from 'rate-limiter-flexible';
import { z } from 'zod';
import { complaintSchema, type Complaint } from '../domain/complaint';
import { systemClock, type Clock } from '../util/clock';
import { KeyedMutex } from './keyed-mutex';
import { SqliteCheckpointer } from './sqlite-checkpointer';
import { SqliteGroupCommit } from './sqlite-group-commit';
import { SqliteConversationLog } from './sqlite-conversation-log';
import {
  EtagConflictError,
  TrackingCodeTakenError,
  type ComplaintRepository,
  type DocumentStore,
  type DocumentWrite,
  type Store,
  type StoredDocument,
} from './store';
import { assertDistinctKeys, serialise } from './document-codec';

/** Options of openSqliteStore. */
export interface SqliteStoreOptions {
  /** Directory of the database file; created (mode 0700: it holds personal data) if missing. */
  dataDir: string;
  /** File name inside dataDir. Default 'hearline.db'. */
  fileName?: string;
  /** Longest wait for a turn lock before LockTimeoutError. Default 15000 ms. */
  lockWaitMs?: number;
  /** Source of the updated_at timestamps. Default the system clock. */
  clock?: Clock;
  /** Told when a conversation-log listener throws (the append itself succeeds) or the checkpoint worker fails. Default: ignored. */
  onError?: (error: Error) => void;
  /**
   * Who copies the WAL into the database file: a worker thread ('worker', the default, keeps
   * the sync off the event loop) or the committing call itself, SQLite's default ('inline').
   */
  checkpoints?: 'worker' | 'inline';
}

/**
 * Schema migrations, applied in order; PRAGMA user_version counts how many have run.
 * Append new entries, never edit old ones: databases in the field already ran them.
 */
const MIGRATIONS: readonly string[] = [
  `
  create table documents (
    key text primary key,
    value text not null,
    etag text not null,
    updated_at text not null
  ) strict;

  create table complaints (
    code text primary key,
    idempotency_key text unique not null,
    user_id text not null,
    created_at text not null,
    status text not null,
    data text not null
  ) strict;

  create index complaints_by_user on complaints (user_id, created_at);
  `,
  `
  create table conversations (
    id text primary key,
    user_id text not null,
    created_at text not null,
    last_watermark integer not null default 0
  ) strict;

  create table conversation_activities (
    conversation_id text not null references conversations (id) on delete cascade,
    watermark integer not null,
    activity text not null,
    primary key (conversation_id, watermark)
  ) strict;
  `,
];

/** Schema version this build writes; a newer database file is refused rather than misread. */
export const SQLITE_SCHEMA_VERSION = MIGRATIONS.length;

const documentRowSchema = z.object({ key: z.string(), value: z.string(), etag: z.string() });
const etagRowSchema = z.object({ etag: z.string() });
const complaintRowSchema = z.object({ code: z.string(), data: z.string() });
const userVersionSchema = z.number().int().nonnegative();

/**
 * Embedded store: one SQLite file, for a single Hearline process.
 *
 * better-sqlite3 is synchronous; the methods stay async to fit the Store interface, and
 * each call is short (indexed lookups), so blocking the event loop briefly is acceptable.
 */
export class SqliteStore implements Store {
  readonly kind = 'sqlite';
  readonly documents: DocumentStore;
  readonly complaints: ComplaintRepository;
  readonly locks: KeyedMutex;
  readonly conversations: SqliteConversationLog;
  /** Absolute path of the database file. */
  readonly filePath: string;
  private readonly db: Database.Database;
  private readonly checkpointer: SqliteCheckpointer | undefined;
  private readonly group: SqliteGroupCommit;

  constructor(options: SqliteStoreOptions) {
    mkdirSync(options.dataDir, { recursive: true, mode: 0o700 });
    this.filePath = path.resolve(options.dataDir, options.fileName ?? 'hearline.db');
    try {
      this.db = new Database(this.filePath);
    } catch (cause) {
      throw new Error(`openSqliteStore: cannot open ${this.filePath}`, { cause });
    }
    try {
      configure(this.db);
      migrate(this.db, this.filePath);
    } catch (error) {
      this.db.close();
      throw error;
    }
    const clock = options.clock ?? systemClock;
    this.group = new SqliteGroupCommit(this.db, options.onError);
    this.documents = new SqliteDocumentStore(this.db, this.group, clock);
    this.complaints = new SqliteComplaintRepository(this.db, this.group);
    this.locks = new KeyedMutex({ waitTimeoutMs: options.lockWaitMs ?? 15_000 });
    this.conversations = new SqliteConversationLog(this.db, this.group, { onError: options.onError });
    if ((options.checkpoints ?? 'worker') === 'worker') this.checkpointer = new SqliteCheckpointer(this.db, { onError: options.onError });
  }

  /** WAL frames in the database file as the worker's latest checkpoint reported; undefined with inline checkpoints. */
  get checkpointedFrames(): number | undefined {
    return this.checkpointer?.checkpointedFrames;
  }

  async ping(): Promise<void> {
    this.db.prepare('select 1').get();
  }

  rateLimiter(name: string, points: number, durationSeconds: number): RateLimiterAbstract {
    return new RateLimiterMemory({ keyPrefix: name, points, duration: durationSeconds });
  }

  async close(): Promise<void> {
    this.group.commit();
    this.conversations.close();
    await this.checkpointer?.stop();
    // The last connection to close checkpoints what is left and removes the WAL.
    if (this.db.open) this.db.close();
  }
}

/** Opens (creating and migrating if needed) the SQLite database in dataDir. */
export function openSqliteStore(options: SqliteStoreOptions): SqliteStore {
  return new SqliteStore(options);
}

function configure(db: Database.Database): void {
  // WAL lets readers (e.g. a CLI listing complaints) work while the bot writes.
  const mode = z.string().parse(db.pragma('journal_mode = WAL', { simple: true }));
  if (mode.toLowerCase() !== 'wal') {
    throw new Error(`openSqliteStore: ${db.name} refused WAL mode (journal_mode is ${mode})`);
  }
  // NORMAL in WAL mode: every commit survives a crash of the process (kill -9); on power loss
  // the last moments of conversation state and chat log may roll back. Complaints are written
  // under FULL (see durably), so an accepted complaint survives power loss too. Syncing every
  // turn's three commits cost more than half of the event loop's time (docs/performance.md).
  db.pragma('synchronous = NORMAL');
  // Another process (a CLI, a backup) may hold the write lock for a moment.
  db.pragma('busy_timeout = 5000');
  db.pragma('foreign_keys = ON');
}

/**
 * Runs a write whose commit must reach the disk before it returns (synchronous = FULL), in a
 * transaction of its own: the open group of conversation writes commits first.
 */
function durably<T>(db: Database.Database, group: SqliteGroupCommit, work: () => T): T {
  group.commit();
  db.pragma('synchronous = FULL');
  try {
    return work();
  } finally {
    db.pragma('synchronous = NORMAL');
  }
}

function migrate(db: Database.Database, filePath: string): void {
  const current = userVersionSchema.parse(db.pragma('user_version', { simple: true }));
  if (current > MIGRATIONS.length) {
    throw new Error(
      `openSqliteStore: ${filePath} has schema version ${current}, newer than this build (${MIGRATIONS.length}); upgrade Hearline`,
    );
  }
  for (let version = current; version < MIGRATIONS.length; version += 1) {
    const sql = MIGRATIONS[version];
    if (sql === undefined) break;
    // Each step commits with its version number, so a crash mid-upgrade resumes cleanly.
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${version + 1}`);
    }).immediate();
  }
}

class SqliteDocumentStore implements DocumentStore {
  private readonly selectDocument: Database.Statement<[string]>;
  private readonly selectEtag: Database.Statement<[string]>;
  private readonly upsertDocument: Database.Statement<[string, string, string, string]>;
  private readonly deleteDocument: Database.Statement<[string]>;
  // better-sqlite3 builds a transaction wrapper per db.transaction() call: these are built once.
  private readonly readTransaction: Database.Transaction<(keys: readonly string[]) => Map<string, StoredDocument>>;
  private readonly writeTransaction: Database.Transaction<(prepared: ReadonlyArray<DocumentWrite & { json: string }>, updatedAt: string) => Map<string, string>>;

  constructor(
    private readonly db: Database.Database,
    private readonly group: SqliteGroupCommit,
    private readonly clock: Clock,
  ) {
    this.selectDocument = db.prepare('select key, value, etag from documents where key = ?');
    this.selectEtag = db.prepare('select etag from documents where key = ?');
    this.upsertDocument = db.prepare(
      `insert into documents (key, value, etag, updated_at) values (?, ?, ?, ?)
       on conflict (key) do update set value = excluded.value, etag = excluded.etag, updated_at = excluded.updated_at`,
    );
    this.deleteDocument = db.prepare('delete from documents where key = ?');
    this.readTransaction = db.transaction((keys) => this.readNow(keys));
    this.writeTransaction = db.transaction((prepared, updatedAt) => this.writeNow(prepared, updatedAt));
  }

  async read(keys: readonly string[]): Promise<Map<string, StoredDocument>> {
    // One read transaction: all documents come from the same snapshot.
    return this.readTransaction(keys);
  }

  private readNow(keys: readonly string[]): Map<string, StoredDocument> {
    const found = new Map<string, StoredDocument>();
    for (const key of keys) {
      const raw = this.selectDocument.get(key);
      if (raw === undefined) continue;
      const row = documentRowSchema.parse(raw);
      let value: unknown;
      try {
        value = JSON.parse(row.value);
      } catch (cause) {
        throw new Error(`DocumentStore.read: stored document ${key} is not valid JSON`, { cause });
      }
      found.set(key, { value, eTag: row.etag, json: row.value });
    }
    return found;
  }

  async write(entries: readonly DocumentWrite[]): Promise<Map<string, string>> {
    assertDistinctKeys('write', entries.map((entry) => entry.key));
    const prepared = entries.map((entry) => ({ ...entry, json: entry.json ?? serialise(entry.key, entry.value) }));
    const updatedAt = this.clock.now().toISOString();
    return this.group.write(() => this.writeTransaction(prepared, updatedAt));
  }

  private writeNow(prepared: ReadonlyArray<DocumentWrite & { json: string }>, updatedAt: string): Map<string, string> {
    // Check every expectation before the first write, so a conflict leaves nothing behind.
    for (const entry of prepared) {
      const expected = entry.expectedETag;
      if (expected === undefined || expected === '*') continue;
      const raw = this.selectEtag.get(entry.key);
      const current = raw === undefined ? undefined : etagRowSchema.parse(raw).etag;
      const matches = expected === '' ? current === undefined : current === expected;
      if (!matches) throw new EtagConflictError(entry.key);
    }
    const eTags = new Map<string, string>();
    for (const entry of prepared) {
      const eTag = randomUUID();
      this.upsertDocument.run(entry.key, entry.json, eTag, updatedAt);
      eTags.set(entry.key, eTag);
    }
    return eTags;
  }

  async delete(keys: readonly string[]): Promise<void> {
    await this.group.write(() =>
      this.db.transaction(() => {
        for (const key of keys) this.deleteDocument.run(key);
      })(),
    );
  }
}

/** Parses a stored complaint, naming the code when the row is damaged. */
function parseStoredComplaint(method: string, code: string, data: string): Complaint {
  try {
    return complaintSchema.parse(JSON.parse(data));
  } catch (cause) {
    throw new Error(`ComplaintRepository.${method}: stored complaint ${code} is corrupt`, { cause });
  }
}

/** Sortable form of a timestamp: ISO strings of mixed precision do not sort as text. */
function sortableInstant(iso: string): string {
  return new Date(iso).toISOString();
}

class SqliteComplaintRepository implements ComplaintRepository {
  private readonly selectByKey: Database.Statement<[string]>;
  private readonly selectByCode: Database.Statement<[string]>;
  private readonly selectByUser: Database.Statement<[string, number]>;
  private readonly insert: Database.Statement<[string, string, string, string, string, string]>;
  private readonly update: Database.Statement<[string, string, string]>;

  constructor(
    private readonly db: Database.Database,
    private readonly group: SqliteGroupCommit,
  ) {
    this.selectByKey = db.prepare('select code, data from complaints where idempotency_key = ?');
    this.selectByCode = db.prepare('select code, data from complaints where code = ?');
    this.selectByUser = db.prepare(
      'select code, data from complaints where user_id = ? order by created_at desc, rowid desc limit ?',
    );
    this.insert = db.prepare(
      `insert into complaints (code, idempotency_key, user_id, created_at, status, data)
       values (?, ?, ?, ?, ?, ?)`,
    );
    this.update = db.prepare('update complaints set status = ?, data = ? where code = ?');
  }

  async create(complaint: Complaint): Promise<{ complaint: Complaint; created: boolean }> {
    const valid = complaintSchema.parse(complaint);
    return durably(this.db, this.group, () => this.db.transaction(() => {
      const existing = this.selectByKey.get(valid.idempotencyKey);
      if (existing !== undefined) {
        const row = complaintRowSchema.parse(existing);
        return { complaint: parseStoredComplaint('create', row.code, row.data), created: false };
      }
      if (this.selectByCode.get(valid.code) !== undefined) throw new TrackingCodeTakenError(valid.code);
      this.insert.run(
        valid.code,
        valid.idempotencyKey,
        valid.userId,
        sortableInstant(valid.createdAt),
        valid.status,
        JSON.stringify(valid),
      );
      return { complaint: valid, created: true };
    }).immediate());
  }

  async findByCode(code: string): Promise<Complaint | undefined> {
    const raw = this.selectByCode.get(code);
    if (raw === undefined) return undefined;
    const row = complaintRowSchema.parse(raw);
    return parseStoredComplaint('findByCode', row.code, row.data);
  }

  async listByUser(userId: string, limit: number): Promise<Complaint[]> {
    if (!Number.isInteger(limit) || limit < 0) {
      throw new RangeError(`ComplaintRepository.listByUser: limit must be a non-negative integer, got ${limit}`);
    }
    if (limit === 0) return [];
    return this.selectByUser.all(userId, limit).map((raw) => {
      const row = complaintRowSchema.parse(raw);
      return parseStoredComplaint('listByUser', row.code, row.data);
    });
  }

  async replace(complaint: Complaint): Promise<void> {
    const valid = complaintSchema.parse(complaint);
    durably(this.db, this.group, () => this.db.transaction(() => {
      const raw = this.selectByCode.get(valid.code);
      if (raw === undefined) throw new Error(`ComplaintRepository.replace: no complaint ${valid.code}`);
      const row = complaintRowSchema.parse(raw);
      assertSameIdentity(parseStoredComplaint('replace', row.code, row.data), valid);
      this.update.run(valid.status, JSON.stringify(valid), valid.code);
    }).immediate());
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
