import { randomBytes } from 'node:crypto';
import path from 'node:path';
import { createClient } from 'redis';
import { WebSocket } from 'ws';
import { UserStore } from '../src/auth/user-store';
import { PromptCatalog } from '../src/i18n/prompt-catalog';
import { openRedisStore } from '../src/storage/redis-store';
import { systemClock } from '../src/util/clock';
import { findProjectRoot } from '../src/util/project-root';
import { RecordingClient } from './support/directline-client';
import { startServer, type ServerProcess } from './support/server-process';
import { signIn, staffHeaders } from './support/staff-session';

const REDIS_URL = 'redis://127.0.0.1:6379';
const SECRET = 'shared-directline-secret-agent-0123456789';
const PASSWORD = 'agent password 12';
const prompts = PromptCatalog.load(path.join(findProjectRoot(), 'prompts'));

jest.setTimeout(60_000);

/**
 * The customer and the agent on different instances of one Redis: the customer's Web Chat
 * (Direct Line socket) is on A, the agent's console (API and live socket) on B. The request for a
 * person shows up in B's queue, the claim and the reply made on B reach the customer's socket on
 * A, and the customer's message reaches the agent's socket on B.
 */
describe('agent console across two instances on Redis', () => {
  const prefix = `hl-agent-${randomBytes(4).toString('hex')}:`;
  let a: ServerProcess;
  let b: ServerProcess;
  const clients: RecordingClient[] = [];
  const sockets: WebSocket[] = [];

  beforeAll(async () => {
    const store = await openRedisStore({ url: REDIS_URL, keyPrefix: prefix });
    try {
      await new UserStore({ documents: store.documents, clock: systemClock }).add({ name: 'arthur', role: 'agent', password: PASSWORD });
    } finally {
      await store.close();
    }
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DIRECTLINE_SECRET: SECRET, DATA_DIR: '/nonexistent-not-used' };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });

  afterAll(async () => {
    for (const client of clients) client.end();
    for (const socket of sockets) socket.terminate();
    await Promise.all([a?.stop(), b?.stop()]);
    const redis = createClient({ url: REDIS_URL });
    await redis.connect();
    for await (const keys of redis.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) if (keys.length > 0) await redis.del(keys);
    await redis.quit();
  });

  it('queues on A, claims and replies on B, and relays both ways between the two sockets', async () => {
    // The agent signs in on B, goes online and opens the console's live socket there.
    const session = await signIn(b.url, 'arthur', PASSWORD);
    const headers = { ...staffHeaders(session), 'content-type': 'application/json' };
    const agentApi = async (method: string, apiPath: string, body?: unknown) => {
      const res = await fetch(`${b.url}/agent/api${apiPath}`, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
      return { status: res.status, json: (await res.json()) as Record<string, any> };
    };
    expect((await agentApi('POST', '/presence', { locales: ['zh-CN'], skills: ['general'] })).status).toBe(200);

    const events: Array<Record<string, any>> = [];
    const agentSocket = new WebSocket(`${b.url.replace('http', 'ws')}/agent/ws`, { headers: { origin: b.url, cookie: session.cookie } });
    sockets.push(agentSocket);
    agentSocket.on('message', (data) => events.push(JSON.parse(data.toString()) as Record<string, any>));
    const consoleReceived = async (predicate: (event: Record<string, any>) => boolean) => {
      const deadline = Date.now() + 10_000;
      while (!events.some(predicate)) {
        if (Date.now() > deadline) throw new Error(`the console did not receive it; got ${JSON.stringify(events)}`);
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    };
    await consoleReceived((event) => event.type === 'hello');

    // The customer is on A: Web Chat's own client over its WebSocket.
    const generated = (await (await fetch(`${a.url}/v3/directline/tokens/generate`, { method: 'POST', headers: { authorization: `Bearer ${SECRET}` } })).json()) as {
      token: string;
      conversationId: string;
      userId: string;
    };
    const customer = new RecordingClient({ domain: `${a.url}/v3/directline`, token: generated.token, locale: 'zh-CN' });
    clients.push(customer);
    await customer.waitFor(() => customer.botTexts().length >= 1);
    const [queued] = await customer.ask('转人工', generated.userId);
    expect(queued).toBe(prompts.text('zh-CN', 'human.queued', { position: 1, minutes: 6 }));

    // B hears of it live, and lists it.
    const key = `directline/${generated.conversationId}`;
    await consoleReceived((event) => event.type === 'changed' && event.key === key && event.state === 'queued');
    const overview = await agentApi('GET', '/overview');
    expect(overview.json.queue.map((item: { key: string }) => item.key)).toEqual([key]);
    const view = await agentApi('GET', `/conversations/${key}`);
    expect(view.json.record.packet.transcript.map((line: { text: string }) => line.text)).toContain('转人工');

    // Claimed on B: the customer's socket on A is told, then gets the agent's reply.
    expect((await agentApi('POST', `/conversations/${key}/claim`)).status).toBe(200);
    agentSocket.send(JSON.stringify({ type: 'watch', key }));
    await customer.waitFor(() => customer.botTexts().includes(prompts.text('zh-CN', 'agent.customer.claimed', { agent: 'arthur' })));
    expect((await agentApi('POST', `/conversations/${key}/reply`, { text: '您好，我来帮您看看订单。' })).json.delivered).toBe(true);
    await customer.waitFor(() => customer.received.some((activity) => activity.from.id === 'agent:arthur' && activity.type === 'message' && activity.text === '您好，我来帮您看看订单。'));

    // The customer writes on A; the bot is silent and the agent's socket on B gets the message.
    const before = customer.botTexts().length;
    await customer.say('订单号是778812，冰箱不制冷', generated.userId);
    await consoleReceived((event) => event.type === 'message' && event.key === key && event.line.from === 'customer' && event.line.text === '订单号是778812，冰箱不制冷');
    expect(customer.botTexts().slice(before)).toEqual([]);

    // Returned on B: the customer is told on A, and the bot answers their next message.
    expect((await agentApi('POST', `/conversations/${key}/return`)).json.record.state).toBe('bot');
    await customer.waitFor(() => customer.botTexts().includes(prompts.text('zh-CN', 'agent.customer.backToBot')));
    const afterReturn = await customer.ask('谢谢', generated.userId);
    expect(afterReturn).toEqual([prompts.text('zh-CN', 'main.thanks')]);
    await consoleReceived((event) => event.type === 'changed' && event.key === key && event.state === 'bot');
  });
});
