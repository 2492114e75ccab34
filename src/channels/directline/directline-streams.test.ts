import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { WebSocket } from 'ws';
import { createLogger } from '../../logging/logger';
import { ConversationTokens } from '../../security/conversation-tokens';
import { openSqliteStore, type SqliteStore } from '../../storage/sqlite-store';
import type { ConversationLog, ConversationLogEvent } from '../../storage/store';
import { ManualClock } from '../../util/clock';
import { DirectLineStreamHub } from './directline-streams';

/**
 * The stream hub sends an appended activity straight from the log event when it is the next one
 * the socket needs, and reads the log otherwise. These tests change the events a real SQLite
 * log delivers (drop the activity, repeat an event) and check what a socket receives.
 */
describe('DirectLineStreamHub', () => {
  const clock = new ManualClock(new Date('2026-03-01T08:00:00.000Z'));
  const streamTokens = new ConversationTokens('stream-key-0123456789abcdef0123456789', clock, 60);
  let dir: string;
  let store: SqliteStore;
  let server: http.Server;
  let hub: DirectLineStreamHub;
  let rewrite: (event: ConversationLogEvent) => ConversationLogEvent[];
  const sockets: WebSocket[] = [];

  beforeEach(async () => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-streams-'));
    store = openSqliteStore({ dataDir: dir, checkpoints: 'inline' });
    rewrite = (event) => [event];
    const real = store.conversations;
    const log: ConversationLog = {
      create: (record) => real.create(record),
      get: (id) => real.get(id),
      append: (id, activity) => real.append(id, activity),
      read: (id, after, limit) => real.read(id, after, limit),
      signal: (id, payload) => real.signal(id, payload),
      subscribe: (listener) => real.subscribe((event) => rewrite(event).forEach(listener)),
    };
    hub = new DirectLineStreamHub({ log, streamTokens, clock, logger: createLogger('silent') });
    server = http.createServer();
    hub.attach(server);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  });

  afterEach(async () => {
    for (const socket of sockets.splice(0)) socket.terminate();
    hub.close();
    await new Promise((resolve) => server.close(resolve));
    await store.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  /** Opens a stream on a new conversation; resolves once the socket is open. */
  async function openStream(): Promise<{ id: string; frames: Array<{ watermark?: string; texts: string[] }> }> {
    const id = `conversation-${sockets.length + 1}-0123456789`;
    await store.conversations.create({ conversationId: id, userId: 'dl_u', createdAt: clock.now().toISOString() });
    const { port } = server.address() as AddressInfo;
    const token = streamTokens.issue(id, 'dl_u').token;
    const socket = new WebSocket(`ws://127.0.0.1:${port}/v3/directline/conversations/${id}/stream?t=${encodeURIComponent(token)}&watermark=0`);
    sockets.push(socket);
    const frames: Array<{ watermark?: string; texts: string[] }> = [];
    socket.on('message', (data) => {
      const text = String(data);
      if (text === '') return;
      const set = JSON.parse(text) as { watermark?: string; activities: Array<{ text?: string }> };
      frames.push({ watermark: set.watermark, texts: set.activities.map((activity) => activity.text ?? '') });
    });
    await new Promise((resolve, reject) => {
      socket.once('open', resolve);
      socket.once('error', reject);
    });
    return { id, frames };
  }

  const message = (id: string, text: string) => ({
    type: 'message',
    text,
    timestamp: clock.now().toISOString(),
    channelId: 'directline',
    conversation: { id },
    from: { id: 'hearline', role: 'bot' },
  });

  async function until(condition: () => boolean): Promise<void> {
    const deadline = Date.now() + 5000;
    while (!condition()) {
      if (Date.now() > deadline) throw new Error('condition not met within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('sends what is appended in one pass of the event loop as one activity set, in order, with the last watermark', async () => {
    const { id, frames } = await openStream();
    // Appended in one pass: the three appends share one commit and their events one pass.
    await Promise.all(['one', 'two', 'three'].map((text) => store.conversations.append(id, message(id, text))));
    await until(() => frames.flatMap((frame) => frame.texts).length >= 3);
    await new Promise((resolve) => setTimeout(resolve, 20));
    await store.conversations.append(id, message(id, 'four'));
    await store.conversations.signal(id, { type: 'typing' });
    await until(() => frames.flatMap((frame) => frame.texts).length >= 5);
    expect(frames).toEqual([
      { watermark: '3', texts: ['one', 'two', 'three'] },
      { watermark: '4', texts: ['four', ''] },
    ]);
  });

  it('reads the log when an event comes without its activity', async () => {
    const { id, frames } = await openStream();
    rewrite = (event) => (event.kind === 'appended' && event.watermark === 2 ? [{ kind: 'appended', conversationId: event.conversationId, watermark: 2 }] : [event]);
    // Appended in one pass: the three appends share one commit and their events one pass.
    await Promise.all(['one', 'two', 'three'].map((text) => store.conversations.append(id, message(id, text))));
    await until(() => frames.flatMap((frame) => frame.texts).length >= 3);
    expect(frames.flatMap((frame) => frame.texts)).toEqual(['one', 'two', 'three']);
    expect(frames.at(-1)?.watermark).toBe('3');
  });

  it('catches up from the log after a missed event, and ignores a repeated one', async () => {
    const { id, frames } = await openStream();
    rewrite = (event) => {
      if (event.kind !== 'appended') return [event];
      if (event.watermark === 2) return []; // missed: the next event shows the gap
      if (event.watermark === 3) return [event, event]; // told twice
      return [event];
    };
    for (const text of ['one', 'two', 'three', 'four']) await store.conversations.append(id, message(id, text));
    await until(() => frames.flatMap((frame) => frame.texts).length >= 4);
    // Give a stray duplicate time to arrive before checking there is none.
    await new Promise((resolve) => setTimeout(resolve, 100));
    // How the catch-up read groups them depends on timing; each arrives once, in order.
    expect(frames.flatMap((frame) => frame.texts)).toEqual(['one', 'two', 'three', 'four']);
    expect(frames.at(-1)?.watermark).toBe('4');
  });

  it('shows the typing indicator on the sockets it holds, and says when it holds none', async () => {
    expect(hub.typing('conversation-none-0123456789')).toBe(false);
    const { id, frames } = await openStream();
    expect(hub.typing(id)).toBe(true);
    await until(() => frames.length >= 1);
    expect(frames).toEqual([{ watermark: undefined, texts: [''] }]);
  });
});
