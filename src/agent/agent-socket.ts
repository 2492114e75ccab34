import { randomBytes } from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type WebSocket } from 'ws';
import { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { HandoffDesk, HandoffDeskEvent } from '../services/handoff/handoff-desk';
import type { AgentEventFeed } from './agent-events';

/** Where consoles connect. */
export const AGENT_SOCKET_PATH = '/agent/ws';

/** Who a socket belongs to, or why it may not open. */
export type SocketIdentity = { ok: true; agent: string } | { ok: false; status: 401 | 403 };

/** What the console's socket hub needs. */
export interface AgentSocketDependencies {
  feed: AgentEventFeed;
  /** Routes messages to the agent who holds a conversation, and keeps count of the consoles open (see HandoffDesk.consoleClosed). */
  desk: Pick<HandoffDesk, 'get' | 'consoleOpened' | 'consoleClosed' | 'consolesAlive' | 'forgetConsoles'>;
  /** The signed-in agent of an upgrade request (its session cookie), checked on connect and again every `recheckMs`. */
  identify: (req: IncomingMessage) => Promise<SocketIdentity>;
  /** The site's own origin(s); the browser's Origin header must be one (no cross-site sockets riding on the cookie). */
  originAllowed: (origin: string, req: IncomingMessage) => boolean;
  logger: Logger;
  /** Pings, so that dead connections are noticed. */
  keepAliveMs?: number;
  /** A session signed out or expired closes its sockets within this long. */
  recheckMs?: number;
  /** How often this instance tells the desk its consoles are still open; well under the desk's presence timeout. */
  consoleRefreshMs?: number;
}

/** What a console may send: which conversation it has open (its messages come live). */
const clientMessageSchema = z.object({ type: z.literal('watch'), key: z.string().max(300).nullable() });

interface ConsoleSocket {
  /** This socket's own id at the desk. */
  id: string;
  /**
   * The desk has counted the socket (a close waits for it, so that it is never counted after it
   * closed); false when the desk could not be told.
   */
  counted: Promise<boolean>;
  ws: WebSocket;
  agent: string;
  req: IncomingMessage;
  watching: string | null;
  alive: boolean;
}

/**
 * The consoles' live feed at /agent/ws. One listener per process on the desk's event feed (which
 * crosses instances) fans out to the sockets held here: queue and state changes to every console,
 * a conversation's messages to the consoles that have it open and to the agent who holds it.
 * Events carry keys and lines only; consoles fetch what they show through the API.
 *
 * The desk counts the consoles open on every instance: when an agent's last one closes (the tab
 * closed, the session ended, the connection died), the agent goes offline at once, and their
 * conversations get the sweeper's grace period. An instance shutting down only uncounts its
 * sockets: the pages reconnect to another instance and say they are online again.
 */
export class AgentSocketHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 4 * 1024 });
  private readonly sockets = new Set<ConsoleSocket>();
  private readonly stopListening: () => void;
  private readonly keepAlive: NodeJS.Timeout;
  private readonly recheck: NodeJS.Timeout;
  private readonly refresh: NodeJS.Timeout;
  private closing = false;

  constructor(private readonly deps: AgentSocketDependencies) {
    this.stopListening = deps.feed.listen((event) => void this.onDeskEvent(event));
    this.keepAlive = setInterval(() => this.ping(), deps.keepAliveMs ?? 25_000);
    this.keepAlive.unref();
    this.recheck = setInterval(() => void this.recheckSessions(), deps.recheckMs ?? 60_000);
    this.recheck.unref();
    this.refresh = setInterval(() => void this.refreshConsoles(), deps.consoleRefreshMs ?? 30_000);
    this.refresh.unref();
  }

  /** Takes over WebSocket upgrades on /agent/ws of this HTTP server (other paths are left alone). */
  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      if (new URL(req.url ?? '/', 'http://localhost').pathname !== AGENT_SOCKET_PATH) return;
      void this.onUpgrade(req, socket, head).catch((error: unknown) => {
        this.deps.logger.error({ err: error }, 'agent socket upgrade failed');
        reject(socket, 500);
      });
    });
  }

  /** Open console sockets on this instance (tests, metrics). */
  get size(): number {
    return this.sockets.size;
  }

  /** Whether a console of the agent is open on this instance (the sweeper asks; the desk knows only what instances last told it). */
  holds(agent: string): boolean {
    return [...this.sockets].some((entry) => entry.agent === agent);
  }

  /** Closes every socket here; the desk stops counting them without taking their agents offline. */
  async close(): Promise<void> {
    this.closing = true;
    this.stopListening();
    clearInterval(this.keepAlive);
    clearInterval(this.recheck);
    clearInterval(this.refresh);
    const entries = [...this.sockets];
    for (const client of this.wss.clients) client.terminate();
    this.wss.close();
    await Promise.all(entries.map((entry) => entry.counted));
    if (entries.length === 0) return;
    try {
      await this.deps.desk.forgetConsoles(entries.map((entry) => entry.id));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not uncount the consoles of a closing instance');
    }
  }

  private async onUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): Promise<void> {
    const origin = req.headers.origin;
    if (origin === undefined || !this.deps.originAllowed(origin, req)) {
      reject(socket, 403);
      return;
    }
    const identity = await this.deps.identify(req);
    if (!identity.ok) {
      reject(socket, identity.status);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, req, identity.agent));
  }

  private onConnection(ws: WebSocket, req: IncomingMessage, agent: string): void {
    const id = randomBytes(12).toString('base64url');
    const counted = this.deps.desk.consoleOpened(agent, id).then(
      () => true,
      (error: unknown) => {
        this.deps.logger.warn({ err: error, agent }, 'could not count an agent console');
        return false;
      },
    );
    const entry: ConsoleSocket = { id, counted, ws, agent, req, watching: null, alive: true };
    this.sockets.add(entry);
    ws.on('close', () => {
      this.sockets.delete(entry);
      if (!this.closing) void this.onConsoleClosed(entry);
    });
    ws.on('pong', () => (entry.alive = true));
    ws.on('error', (error) => this.deps.logger.debug({ err: error, agent }, 'agent socket error'));
    ws.on('message', (data) => {
      let parsed: z.ZodSafeParseResult<z.infer<typeof clientMessageSchema>>;
      try {
        parsed = clientMessageSchema.safeParse(JSON.parse(data.toString()));
      } catch {
        return;
      }
      if (parsed.success) entry.watching = parsed.data.key;
    });
    // The hello names the socket once the desk counts it; the page's heartbeats name it from then on,
    // and count only while it is open. A socket the desk could not count is not named: its heartbeats count as before.
    void counted.then((ok) => send(ws, ok ? { type: 'hello', agent, console: id } : { type: 'hello', agent }));
  }

  /** The agent's last console anywhere closing takes them offline (the desk decides, across instances). */
  private async onConsoleClosed(entry: ConsoleSocket): Promise<void> {
    await entry.counted;
    try {
      if (await this.deps.desk.consoleClosed(entry.agent, entry.id)) this.deps.logger.info({ agent: entry.agent }, 'last agent console closed: offline');
    } catch (error) {
      this.deps.logger.warn({ err: error, agent: entry.agent }, 'could not uncount an agent console; presence will time out');
    }
  }

  private async refreshConsoles(): Promise<void> {
    if (this.sockets.size === 0) return;
    try {
      await this.deps.desk.consolesAlive([...this.sockets].map((entry) => entry.id));
    } catch (error) {
      this.deps.logger.warn({ err: error }, 'could not refresh the agent consoles');
    }
  }

  private async onDeskEvent(event: HandoffDeskEvent): Promise<void> {
    if (this.sockets.size === 0) return;
    if (event.kind === 'changed') {
      for (const entry of this.sockets) send(entry.ws, { type: 'changed', key: event.key, state: event.state });
      return;
    }
    const payload = { type: 'message', key: event.key, line: event.line };
    const others = [...this.sockets].filter((entry) => entry.watching !== event.key);
    for (const entry of this.sockets) if (entry.watching === event.key) send(entry.ws, payload);
    if (others.length === 0) return;
    try {
      const owner = (await this.deps.desk.get(event.key))?.assignedAgent;
      for (const entry of others) if (owner !== undefined && entry.agent === owner) send(entry.ws, payload);
    } catch (error) {
      this.deps.logger.warn({ err: error, key: event.key }, 'could not route a desk message');
    }
  }

  private ping(): void {
    for (const entry of this.sockets) {
      if (!entry.alive) {
        entry.ws.terminate();
        continue;
      }
      entry.alive = false;
      entry.ws.ping();
    }
  }

  private async recheckSessions(): Promise<void> {
    for (const entry of [...this.sockets]) {
      try {
        const identity = await this.deps.identify(entry.req);
        if (!identity.ok || identity.agent !== entry.agent) entry.ws.close(4401, 'session ended');
      } catch (error) {
        this.deps.logger.warn({ err: error }, 'could not recheck an agent socket');
      }
    }
  }
}

function send(ws: WebSocket, payload: unknown): void {
  if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(payload));
}

function reject(socket: Duplex, status: 401 | 403 | 500): void {
  const text = { 401: 'Unauthorized', 403: 'Forbidden', 500: 'Internal Server Error' }[status];
  socket.write(`HTTP/1.1 ${status} ${text}\r\nConnection: close\r\nContent-Length: 0\r\n\r\n`);
  socket.destroy();
}
