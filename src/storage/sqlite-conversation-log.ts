import { EventEmitter } from 'node:events';
import type Database from 'better-sqlite3';
import { z } from 'zod';
import { checkReadRange, conversationRecordSchema, fromJson, toJson } from './conversation-log-codec';
import type { SqliteGroupCommit } from './sqlite-group-commit';
import type { ConversationLog, ConversationLogEvent, ConversationRecord } from './store';


const recordRowSchema = z.object({ id: z.string(), user_id: z.string(), created_at: z.string() });
const activityRowSchema = z.object({ watermark: z.number().int().positive(), activity: z.string() });

/** The one event name on the emitter: every listener hears every conversation. */
const EVENT = 'conversation-event';

/** Options of SqliteConversationLog. */
export interface SqliteConversationLogOptions {
  /** Told when a listener throws; the append or signal that notified it still succeeds. Default: ignored. */
  onError?: (error: Error) => void;
}

/**
 * ConversationLog in the embedded SQLite database. Notifications stay in this process: in
 * SQLite mode there is one Hearline instance, so every socket is held here.
 *
 * Tables `conversations` and `conversation_activities` come from the store's migrations.
 */
export class SqliteConversationLog implements ConversationLog {
  private readonly events = new EventEmitter();
  private readonly onError: (error: Error) => void;
  private readonly insertRecord: Database.Statement<[string, string, string]>;
  private readonly selectRecord: Database.Statement<[string]>;
  private readonly bumpWatermark: Database.Statement<[string]>;
  private readonly insertActivity: Database.Statement<[string, number, string]>;
  private readonly selectActivities: Database.Statement<[string, number, number]>;
  /** Built once: better-sqlite3 builds a transaction wrapper per db.transaction() call. */
  private readonly appendTransaction: Database.Transaction<(conversationId: string, json: string) => number>;

  constructor(
    private readonly db: Database.Database,
    private readonly group: SqliteGroupCommit,
    options: SqliteConversationLogOptions = {},
  ) {
    this.onError = options.onError ?? (() => undefined);
    // One listener per open socket: the default limit of 10 would warn about a normal load.
    this.events.setMaxListeners(0);
    this.insertRecord = db.prepare(
      'insert into conversations (id, user_id, created_at) values (?, ?, ?) on conflict (id) do nothing',
    );
    this.selectRecord = db.prepare('select id, user_id, created_at from conversations where id = ?');
    // pluck: the statement yields the new counter itself, not a row object.
    this.bumpWatermark = db
      .prepare<[string], unknown>('update conversations set last_watermark = last_watermark + 1 where id = ? returning last_watermark')
      .pluck();
    this.insertActivity = db.prepare(
      'insert into conversation_activities (conversation_id, watermark, activity) values (?, ?, ?)',
    );
    // SQLite reads "limit -1" as no limit.
    this.selectActivities = db.prepare(
      `select watermark, activity from conversation_activities
       where conversation_id = ? and watermark > ? order by watermark limit ?`,
    );
    this.appendTransaction = db.transaction((conversationId: string, json: string) => {
      const next = this.bumpWatermark.get(conversationId);
      if (next === undefined) throw new Error(`ConversationLog.append: no conversation ${conversationId}`);
      if (typeof next !== 'number' || !Number.isInteger(next) || next < 1) {
        throw new Error(`ConversationLog.append: conversation ${conversationId} has a damaged watermark counter (${String(next)})`);
      }
      this.insertActivity.run(conversationId, next, json);
      return next;
    });
  }

  async create(record: ConversationRecord): Promise<boolean> {
    const valid = conversationRecordSchema.parse(record);
    return this.group.write(() => this.insertRecord.run(valid.conversationId, valid.userId, valid.createdAt).changes === 1);
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    const raw = this.selectRecord.get(conversationId);
    if (raw === undefined) return undefined;
    const row = recordRowSchema.parse(raw);
    const parsed = conversationRecordSchema.safeParse({ conversationId: row.id, userId: row.user_id, createdAt: row.created_at });
    if (!parsed.success) {
      throw new Error(`ConversationLog.get: stored conversation ${conversationId} is corrupt`, { cause: parsed.error });
    }
    return parsed.data;
  }

  async append(conversationId: string, activity: unknown): Promise<number> {
    const json = toJson('append', conversationId, activity);
    // Told only after the commit (with the other writes of this pass of the event loop).
    // The JSON copy, so listeners get what a read (and Redis mode) would give, not the caller's object.
    return this.group.write(
      () => this.appendTransaction(conversationId, json),
      (watermark) => this.emit({ kind: 'appended', conversationId, watermark, activity: JSON.parse(json) }),
    );
  }

  async read(
    conversationId: string,
    afterWatermark: number,
    limit?: number,
  ): Promise<Array<{ watermark: number; activity: unknown }>> {
    checkReadRange(afterWatermark, limit);
    if (limit === 0) return [];
    return this.selectActivities.all(conversationId, afterWatermark, limit ?? -1).map((raw) => {
      const row = activityRowSchema.parse(raw);
      return { watermark: row.watermark, activity: fromJson(conversationId, row.watermark, row.activity) };
    });
  }

  async signal(conversationId: string, payload: unknown): Promise<void> {
    // A copy through JSON, so listeners here receive what Redis mode would deliver.
    const copy: unknown = JSON.parse(toJson('signal', conversationId, payload));
    this.emit({ kind: 'signal', conversationId, payload: copy });
  }

  subscribe(listener: (event: ConversationLogEvent) => void): () => void {
    // Each subscription gets its own wrapper, so subscribing one function twice and
    // unsubscribing once leaves the other subscription in place.
    const guarded = (event: ConversationLogEvent): void => {
      try {
        listener(event);
      } catch (cause) {
        this.onError(new Error(`ConversationLog.subscribe: a listener threw on ${event.kind} of ${event.conversationId}`, { cause }));
      }
    };
    this.events.on(EVENT, guarded);
    return () => {
      this.events.off(EVENT, guarded);
    };
  }

  /** Drops every listener (the store is closing). */
  close(): void {
    this.events.removeAllListeners();
  }

  private emit(event: ConversationLogEvent): void {
    this.events.emit(EVENT, event);
  }
}
