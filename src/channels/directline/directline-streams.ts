import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../../logging/logger';
import type { ConversationTokens } from '../../security/conversation-tokens';
import type { ConversationLog, ConversationLogEvent } from '../../storage/store';
import type { Clock } from '../../util/clock';
import { activitiesAfter, botTyping, loggedActivity } from './directline-activities';
import { conversationIdSchema, watermarkSchema } from './schema';

const STREAM_PATH = /^\/v3\/directline\/conversations\/([^/?]+)\/stream$/;

/** Signals on the conversation log that streams understand. */
const signalSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('typing') }),
  /** A new socket opened for the conversation somewhere: older ones close (one socket per conversation). */
  z.object({ type: z.literal('socket-open'), socketId: z.string() }),
]);

/** What the stream hub needs. */
export interface StreamHubDependencies {
  log: ConversationLog;
  streamTokens: ConversationTokens;
  clock: Clock;
  logger: Logger;
  /** Empty keep-alive frames, so proxies and browsers notice dead connections. */
  keepAliveMs?: number;
}

/** One client socket following one conversation from a watermark. */
class ConversationStream {
  readonly socketId = randomBytes(8).toString('hex');
  private queue: Promise<void> = Promise.resolve();
  /**
   * Activities waiting to go out in one activity set, and the watermark of the last logged one.
   * What becomes ready in one pass of the event loop (typically the echo, the typing indicator
   * and the bot's replies of a turn) goes in one frame: one JSON string and one socket write.
   */
  private outbox: { activities: unknown[]; watermark?: number } | undefined;

  constructor(
    readonly conversationId: string,
    private readonly socket: WebSocket,
    private watermark: number,
    private readonly deps: StreamHubDependencies,
  ) {}

  /** Sends everything after the last watermark sent; serialised so nothing is sent twice. */
  flush(): void {
    this.enqueue(() => this.sendAfterWatermark());
  }

  /**
   * The log got the activity at `watermark`: when it is the next one this socket needs and the
   * event carried it, it is sent as it is; otherwise (a gap, or no activity in the event) the
   * socket catches up from the log. Serialised with flush(), so nothing is sent twice.
   */
  appended(watermark: number, activity: unknown): void {
    this.enqueue(async () => {
      if (watermark <= this.watermark) return;
      const logged = watermark === this.watermark + 1 ? loggedActivity(this.conversationId, watermark, activity) : undefined;
      if (!logged) return this.sendAfterWatermark();
      this.watermark = watermark;
      this.deliver([logged], watermark);
    });
  }

  typing(): void {
    this.enqueue(async () => this.deliver([botTyping(this.conversationId, this.deps.clock.now())]));
  }

  close(code: number, reason: string): void {
    this.socket.close(code, reason);
  }

  private async sendAfterWatermark(): Promise<void> {
    const read = await activitiesAfter(this.deps.log, this.conversationId, this.watermark, 500);
    if (read.activities.length === 0) return;
    this.watermark = read.watermark;
    this.deliver(read.activities, this.watermark);
    if (read.activities.length === 500) {
      // A long catch-up goes out in sets of 500.
      this.sendOutbox();
      this.flush();
    }
  }

  /** Adds activities to the set that goes out once this pass of the event loop is done. */
  private deliver(activities: unknown[], watermark?: number): void {
    if (!this.outbox) {
      this.outbox = { activities: [] };
      // Runs after the promise jobs queued now, so the rest of a turn done in this pass joins the set.
      process.nextTick(() => this.sendOutbox());
    }
    this.outbox.activities.push(...activities);
    if (watermark !== undefined) this.outbox.watermark = watermark;
  }

  private sendOutbox(): void {
    const box = this.outbox;
    this.outbox = undefined;
    if (!box || box.activities.length === 0 || this.socket.readyState !== this.socket.OPEN) return;
    const payload = box.watermark === undefined ? { activities: box.activities } : { activities: box.activities, watermark: String(box.watermark) };
    this.socket.send(JSON.stringify(payload));
  }

  private enqueue(work: () => Promise<void>): void {
    this.queue = this.queue.then(work).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, conversationId: this.conversationId }, 'stream send failed');
    });
  }
}

/**
 * The Direct Line WebSocket streams: `streamUrl`s are pre-authorised by a 60-second stream token.
 * One subscription to the conversation log per process fans events out to the sockets held
 * here, so a reply written by any instance reaches the socket wherever it is connected.
 */
export class DirectLineStreamHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 64 * 1024 });
  private readonly streams = new Map<string, Set<ConversationStream>>();
  private readonly unsubscribe: () => void;
  private readonly keepAlive: NodeJS.Timeout;

  constructor(private readonly deps: StreamHubDependencies) {
    this.unsubscribe = deps.log.subscribe((event) => this.onLogEvent(event));
    this.keepAlive = setInterval(() => {
      for (const client of this.wss.clients) if (client.readyState === client.OPEN) client.send('');
    }, deps.keepAliveMs ?? 20_000);
    this.keepAlive.unref();
  }

  /** Takes over WebSocket upgrades on the stream path of this HTTP server. */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      void this.onUpgrade(req, socket, head);
    });
  }

  /** Number of open streams (for tests and metrics). */
  get size(): number {
    let count = 0;
    for (const set of this.streams.values()) count += set.size;
    return count;
  }

  /**
   * Shows the bot's typing indicator on this instance's sockets of the conversation, without a
   * round trip through the log; false when none is held here.
   */
  typing(conversationId: string): boolean {
    const set = this.streams.get(conversationId);
    if (!set || set.size === 0) return false;
    for (const stream of set) stream.typing();
    return true;
  }

  /** Whether a socket of the conversation is open on this instance (the handoff sweeper asks). */
  holds(conversationId: string): boolean {
    return (this.streams.get(conversationId)?.size ?? 0) > 0;
  }

  close(): void {
    this.unsubscribe();
    clearInterval(this.keepAlive);
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const match = STREAM_PATH.exec(url.pathname);
    if (!match) return; // another upgrade handler may own this path
    const conversationId = conversationIdSchema.safeParse(match[1]);
    const watermark = watermarkSchema.safeParse(url.searchParams.get('watermark') ?? undefined);
    const token = url.searchParams.get('t') ?? '';
    const check = conversationId.success ? this.deps.streamTokens.verify(token, conversationId.data) : undefined;
    if (!conversationId.success || !watermark.success || !check?.ok) {
      reject(socket, conversationId.success && watermark.success ? 403 : 400);
      return;
    }
    if (!(await this.deps.log.get(conversationId.data))) {
      reject(socket, 404);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, conversationId.data, watermark.data));
  }

  private onConnection(ws: WebSocket, conversationId: string, watermark: number): void {
    const stream = new ConversationStream(conversationId, ws, watermark, this.deps);
    let set = this.streams.get(conversationId);
    if (!set) this.streams.set(conversationId, (set = new Set()));
    set.add(stream);
    ws.on('close', () => {
      set.delete(stream);
      if (set.size === 0) this.streams.delete(conversationId);
    });
    // Client keep-alives are empty frames; nothing a client sends on the stream is used.
    ws.on('message', () => undefined);
    ws.on('error', (error) => this.deps.logger.debug({ err: error, conversationId }, 'stream socket error'));
    void this.deps.log.signal(conversationId, { type: 'socket-open', socketId: stream.socketId }).catch((error: unknown) => {
      this.deps.logger.warn({ err: error, conversationId }, 'could not announce stream');
    });
    stream.flush();
  }

  private onLogEvent(event: ConversationLogEvent): void {
    const set = this.streams.get(event.conversationId);
    if (!set) return;
    if (event.kind === 'appended') {
      for (const stream of set) stream.appended(event.watermark, event.activity);
      return;
    }
    const signal = signalSchema.safeParse(event.payload);
    if (!signal.success) return;
    if (signal.data.type === 'typing') {
      for (const stream of set) stream.typing();
    } else {
      const newest = signal.data.socketId;
      for (const stream of set) if (stream.socketId !== newest) stream.close(4001, 'another stream opened for this conversation');
    }
  }
}

function reject(socket: Duplex, status: 400 | 403 | 404): void {
  const text = { 400: 'Bad Request', 403: 'Forbidden', 404: 'Not Found' }[status];
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
