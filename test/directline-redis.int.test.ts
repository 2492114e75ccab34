import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { WebSocket } from 'ws';
import { RecordingClient } from './support/directline-client';
import { startServer, type ServerProcess } from './support/server-process';

const REDIS_URL = 'redis://127.0.0.1:6379';
const SECRET = 'shared-directline-secret-0123456789abcdef';

/**
 * Two Hearline server processes on one Redis: the customer's WebSocket is on A while their messages
 * are posted to B, and a reconnect to B resumes from the watermark with nothing lost or repeated.
 */
describe('Direct Line across two instances on Redis', () => {
  const prefix = `hl-dl-${randomBytes(4).toString('hex')}:`;
  const servers: ServerProcess[] = [];
  const bases: string[] = [];
  const clients: RecordingClient[] = [];

  beforeAll(async () => {
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DIRECTLINE_SECRET: SECRET, DATA_DIR: '/nonexistent-not-used' };
    servers.push(...(await Promise.all([startServer(env), startServer(env)])));
    bases.push(...servers.map((server) => server.url));
  });

  afterAll(async () => {
    for (const client of clients) client.end();
    await Promise.all(servers.map((server) => server.stop()));
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  it('shows the typing indicator on the socket on A when the message is posted to B, which holds no socket', async () => {
    const [a, b] = bases as [string, string];
    const started = (await (await fetch(`${a}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
      conversationId: string;
      token: string;
      streamUrl: string;
    };
    const kinds: string[] = [];
    const socket = new WebSocket(started.streamUrl);
    socket.on('message', (data) => {
      const text = String(data);
      if (text) for (const activity of (JSON.parse(text) as { activities: Array<{ type: string; from: { role: string } }> }).activities) kinds.push(`${activity.from.role}:${activity.type}`);
    });
    try {
      await new Promise((resolve, reject) => {
        socket.once('open', resolve);
        socket.once('error', reject);
      });
      const posted = await fetch(`${b}/v3/directline/conversations/${started.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: 'I want to complain', from: { id: 'u1' } }),
      });
      expect(posted.status).toBe(200);
      const deadline = Date.now() + 5000;
      while (kinds.filter((kind) => kind === 'bot:message').length < 3 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      // The greeting, the echo, the typing indicator (through Redis: B holds no socket), then the replies.
      expect(kinds.slice(0, 3)).toEqual(['bot:message', 'user:message', 'bot:typing']);
      expect(kinds.slice(3)).toEqual(['bot:message', 'bot:message']);
    } finally {
      socket.close();
    }
  });

  it('delivers a reply to the socket on A when the message is posted to B, and resumes on B', async () => {
    const [a, b] = bases as [string, string];
    const generated = (await (await fetch(`${a}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
      token: string;
      conversationId: string;
      userId: string;
    };
    const onA = new RecordingClient({ domain: `${a}/v3/directline`, token: generated.token, locale: 'en-US' });
    clients.push(onA);
    await onA.waitFor(() => onA.botTexts().length >= 1);

    // Posted to B, with A's token: the reply must come through A's socket.
    const posted = await fetch(`${b}/v3/directline/conversations/${generated.conversationId}/activities`, {
      method: 'POST',
      headers: { authorization: `Bearer ${generated.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'message', text: 'I want to complain', channelData: { clientActivityID: 'client-1' } }),
    });
    expect(posted.status).toBe(200);
    await onA.waitFor(() => onA.botTexts().length >= 3);
    expect(onA.botTexts().slice(1)).toEqual([
      "I'm sorry you've had a bad experience. Let me record your complaint so the right person follows it up.",
      'Please tell me what happened: which product or service, when, and what went wrong.',
    ]);
    const echo = onA.received.find((activity) => activity.from.role === 'user');
    expect(echo?.channelData).toEqual({ clientActivityID: 'client-1' });

    // Reconnect to B from the watermark A reached.
    const watermark = String(onA.received.length);
    onA.end();
    const onB = new RecordingClient({ domain: `${b}/v3/directline`, token: generated.token, conversationId: generated.conversationId, watermark });
    clients.push(onB);
    const next = await onB.ask('The kettle leaks from the bottom', generated.userId);
    expect(next).toEqual(['What\'s the order or reference number? If you don\'t have one, reply "none".']);
    // Nothing before the watermark came again, and every activity id arrived once.
    expect(onB.botTexts().filter((text) => text.startsWith("I'm sorry"))).toEqual([]);
    const ids = [...onA.received, ...onB.received].map((activity) => activity.id).filter(Boolean);
    expect(new Set(ids).size).toBe(ids.length);
  });

  it("counts a conversation's messages on both instances together: of 11 posted at once to A and B, one gets 429 with Retry-After", async () => {
    const [a, b] = bases as [string, string];
    const started = (await (await fetch(`${a}/v3/directline/conversations`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
      conversationId: string;
      token: string;
    };
    const post = (base: string, n: number) =>
      fetch(`${base}/v3/directline/conversations/${started.conversationId}/activities`, {
        method: 'POST',
        headers: { authorization: `Bearer ${started.token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ type: 'message', text: `message ${n}`, from: { id: 'u1' } }),
      });
    // Six to A and five to B: neither instance alone sees more than the limit of 10 a second.
    const responses = await Promise.all(Array.from({ length: 11 }, (_, n) => post(n % 2 === 0 ? a : b, n)));

    const statuses = responses.map((response) => response.status).sort();
    expect(statuses).toEqual([...Array<number>(10).fill(200), 429]);
    const refused = responses.find((response) => response.status === 429);
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
  });
});
