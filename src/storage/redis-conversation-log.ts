import { z } from 'zod';
import type { RedisConnection } from './redis-store';
import { RedisScript } from './redis-script';
import { checkReadRange, conversationRecordSchema, fromJson, toJson } from './conversation-log-codec';
import type { ConversationLog, ConversationLogEvent, ConversationRecord } from './store';

/**
 * Appends one activity and tells every instance, in one step: the watermark is the list
 * length RPUSH returns, so instances appending at once still get 1, 2, 3... exactly once,
 * and the PUBLISH inside the script means events go out in watermark order and are never
 * lost between a stored append and its notification. The event carries the activity JSON as
 * stored (spliced in as it is, not re-encoded: cjson would turn [] into {}), so listeners need
 * not read it back.
 * KEYS: [1] conversation record, [2] its log. ARGV: [1] activity JSON, [2] channel, [3] conversation id.
 * Returns the watermark, or 0 when the conversation does not exist.
 */
const APPEND_ACTIVITY = new RedisScript(`
if redis.call('EXISTS', KEYS[1]) == 0 then return 0 end
local watermark = redis.call('RPUSH', KEYS[2], ARGV[1])
redis.call('PUBLISH', ARGV[2], '{"kind":"appended","conversationId":' .. cjson.encode(ARGV[3]) .. ',"watermark":' .. watermark .. ',"activity":' .. ARGV[1] .. '}')
return watermark
`);

/** What travels on the events channel; anything else published there is reported and ignored. */
const eventMessageSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('appended'), conversationId: z.string(), watermark: z.number().int().positive(), activity: z.unknown() }),
  z.object({ kind: z.literal('signal'), conversationId: z.string(), payload: z.unknown() }),
]);

const watermarkReplySchema = z.number().int().nonnegative();

/** Options of RedisConversationLog. */
export interface RedisConversationLogOptions {
  /** The store's command connection. */
  client: RedisConnection;
  /** The store's key prefix; the events channel is `${keyPrefix}conversation-events`. */
  keyPrefix: string;
  /** Told about malformed messages on the channel and listeners that throw. */
  onError: (error: Error) => void;
}

/**
 * ConversationLog in Redis, shared by every Hearline instance using the same key prefix.
 *
 * The record is JSON at `<prefix>conversation:<id>`, the activities a list at
 * `<prefix>conversation-log:<id>` (watermark n = list element n). Events go to one channel,
 * `<prefix>conversation-events`; each instance holds one subscriber connection to it (taken
 * over by listen()) and hands every event to its local listeners, so a reply appended on one
 * instance reaches a socket held by another. Events published while the subscriber is
 * reconnecting are missed; clients catch up by reading from their watermark.
 */
export class RedisConversationLog implements ConversationLog {
  /** The pub/sub channel every instance with this prefix shares. */
  readonly channel: string;
  private readonly client: RedisConnection;
  private readonly prefix: string;
  private readonly onError: (error: Error) => void;
  private readonly listeners = new Set<(event: ConversationLogEvent) => void>();
  private subscriber: RedisConnection | undefined;

  constructor(options: RedisConversationLogOptions) {
    this.client = options.client;
    this.prefix = options.keyPrefix;
    this.onError = options.onError;
    this.channel = `${options.keyPrefix}conversation-events`;
  }

  /**
   * Takes over `subscriber` (a connection of its own: pub/sub mode blocks other commands) and
   * resolves once Redis confirmed the subscription, so no event published afterwards is
   * missed. RedisStore.open calls it; until then subscribe() hears nothing. On failure the
   * subscriber is closed.
   */
  async listen(subscriber: RedisConnection): Promise<void> {
    if (this.subscriber !== undefined) throw new Error('ConversationLog.listen: already listening');
    this.subscriber = subscriber;
    try {
      await subscriber.subscribe(this.channel, (message) => this.dispatch(message));
    } catch (cause) {
      this.subscriber = undefined;
      subscriber.destroy();
      throw new Error(`ConversationLog.listen: cannot subscribe to ${this.channel}`, { cause });
    }
  }

  async create(record: ConversationRecord): Promise<boolean> {
    const valid = conversationRecordSchema.parse(record);
    const reply = await this.client.set(this.recordKey(valid.conversationId), JSON.stringify(valid), { condition: 'NX' });
    return reply === 'OK';
  }

  async get(conversationId: string): Promise<ConversationRecord | undefined> {
    const json = await this.client.get(this.recordKey(conversationId));
    if (json === null) return undefined;
    let parsed: unknown;
    try {
      parsed = JSON.parse(json);
    } catch (cause) {
      throw new Error(`ConversationLog.get: stored conversation ${conversationId} is corrupt`, { cause });
    }
    const valid = conversationRecordSchema.safeParse(parsed);
    if (!valid.success || valid.data.conversationId !== conversationId) {
      throw new Error(`ConversationLog.get: stored conversation ${conversationId} is corrupt`, { cause: valid.error });
    }
    return valid.data;
  }

  async append(conversationId: string, activity: unknown): Promise<number> {
    const json = toJson('append', conversationId, activity);
    const watermark = watermarkReplySchema.parse(
      await APPEND_ACTIVITY.run(this.client, {
        keys: [this.recordKey(conversationId), this.logKey(conversationId)],
        arguments: [json, this.channel, conversationId],
      }),
    );
    if (watermark === 0) throw new Error(`ConversationLog.append: no conversation ${conversationId}`);
    return watermark;
  }

  async read(
    conversationId: string,
    afterWatermark: number,
    limit?: number,
  ): Promise<Array<{ watermark: number; activity: unknown }>> {
    checkReadRange(afterWatermark, limit);
    if (limit === 0) return [];
    // Watermark w is list index w - 1, so the first one wanted sits at index afterWatermark.
    const stop = limit === undefined ? -1 : afterWatermark + limit - 1;
    const items = await this.client.lRange(this.logKey(conversationId), afterWatermark, stop);
    return items.map((json, i) => {
      const watermark = afterWatermark + i + 1;
      return { watermark, activity: fromJson(conversationId, watermark, json) };
    });
  }

  async signal(conversationId: string, payload: unknown): Promise<void> {
    // Checked on its own first, so an unserialisable payload names the method and conversation.
    toJson('signal', conversationId, payload);
    await this.client.publish(this.channel, JSON.stringify({ kind: 'signal', conversationId, payload }));
  }

  subscribe(listener: (event: ConversationLogEvent) => void): () => void {
    // A wrapper per subscription, so one function subscribed twice is two subscriptions.
    const entry = (event: ConversationLogEvent): void => listener(event);
    this.listeners.add(entry);
    return () => {
      this.listeners.delete(entry);
    };
  }

  /** Drops every listener and closes the subscriber connection. Safe to call twice. */
  async close(): Promise<void> {
    this.listeners.clear();
    const subscriber = this.subscriber;
    this.subscriber = undefined;
    if (subscriber?.isOpen) await subscriber.close();
  }

  private recordKey(conversationId: string): string {
    return `${this.prefix}conversation:${conversationId}`;
  }

  private logKey(conversationId: string): string {
    return `${this.prefix}conversation-log:${conversationId}`;
  }

  private dispatch(message: string): void {
    let event: ConversationLogEvent;
    try {
      event = eventMessageSchema.parse(JSON.parse(message));
    } catch (cause) {
      this.onError(new Error(`ConversationLog.subscribe: ignored a malformed message on ${this.channel}`, { cause }));
      return;
    }
    for (const listener of [...this.listeners]) {
      try {
        listener(event);
      } catch (cause) {
        this.onError(new Error(`ConversationLog.subscribe: a listener threw on ${event.kind} of ${event.conversationId}`, { cause }));
      }
    }
  }
}
