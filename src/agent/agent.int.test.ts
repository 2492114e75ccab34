import { WebSocket } from 'ws';
import { startInProcess, type InProcessServer } from '../../test/support/in-process-server';
import { customerActivities, customerSays as postAsCustomer, startCustomer, type DirectLineCustomer } from '../../test/support/directline-customer';
import { signIn as signInAt, staffHeaders, type StaffSession } from '../../test/support/staff-session';
import { PromptCatalog } from '../i18n/prompt-catalog';
import { findProjectRoot } from '../util/project-root';

/**
 * The agent API against a whole Hearline on a fresh embedded store: who may call it, what it
 * refuses, claims racing, and a Web Chat (Direct Line) customer who asks for a person, gets the
 * agent's reply in their own conversation, and is answered by the bot again after the agent
 * returns the conversation.
 */
const PASSWORD = 'agent password 12';
const SECRET = 'agent-test-directline-secret-0123456789';
const prompts = PromptCatalog.load(`${findProjectRoot()}/prompts`);

type Signed = StaffSession;
type Customer = DirectLineCustomer;

describe('agent API', () => {
  let server: InProcessServer;
  let arthur: Signed;
  let beth: Signed;
  let editor: Signed;
  let admin: Signed;

  const call = async (method: string, path: string, who?: Signed, body?: unknown, headers: Record<string, string> = {}) => {
    const res = await fetch(`${server.base}${path}`, {
      method,
      headers: {
        ...(who ? staffHeaders(who) : {}),
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...headers,
      },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
      redirect: 'manual',
    });
    const text = await res.text();
    return { status: res.status, headers: res.headers, json: text.startsWith('{') ? (JSON.parse(text) as Record<string, any>) : {}, text };
  };

  const signIn = (name: string) => signInAt(server.base, name, PASSWORD);

  const newCustomer = () => startCustomer(server.base, SECRET, 'zh-CN');
  const customerSays = (customer: Customer, text: string) => postAsCustomer(server.base, customer, text, 'zh-CN');
  /** Everything in the customer's conversation log, oldest first. */
  const customerLog = (customer: Customer) => customerActivities(server.base, customer);
  const goOnline = (who: Signed) => call('POST', '/agent/api/presence', who, { locales: ['zh-CN', 'en-US'], skills: ['general'] });
  const pathOf = (customer: Customer) => `/agent/api/conversations/directline/${customer.conversationId}`;
  const queuedCustomer = async () => {
    const customer = await newCustomer();
    await customerSays(customer, '转人工');
    expect((await call('GET', pathOf(customer), arthur)).json.record.state).toBe('queued');
    return customer;
  };

  beforeAll(async () => {
    server = await startInProcess({ DIRECTLINE_SECRET: SECRET });
    await server.app.auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
    await server.app.auth.users.add({ name: 'beth', role: 'agent', password: PASSWORD });
    await server.app.auth.users.add({ name: 'edith', role: 'editor', password: PASSWORD });
    await server.app.auth.users.add({ name: 'root', role: 'admin', password: PASSWORD });
    [arthur, beth, editor, admin] = await Promise.all([signIn('arthur'), signIn('beth'), signIn('edith'), signIn('root')]);
    expect((await goOnline(arthur)).status).toBe(200);
    expect((await goOnline(beth)).status).toBe(200);
  });

  afterAll(async () => {
    await server?.stop();
  });

  it('answers 401 without a session and sends browsers to the sign-in page', async () => {
    expect((await call('GET', '/agent/api/overview')).json).toMatchObject({ error: { code: 'LOGIN_REQUIRED' } });
    expect((await call('POST', '/agent/api/conversations/directline/abc/claim', undefined, {})).status).toBe(401);
    const page = await call('GET', '/agent', undefined, undefined, { accept: 'text/html' });
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fagent');
  });

  it('answers 403 to an editor, and lets an administrator in', async () => {
    expect((await call('GET', '/agent/api/overview', editor)).json).toMatchObject({ error: { code: 'ROLE_FORBIDDEN' } });
    expect((await call('POST', '/agent/api/conversations/directline/abc/claim', editor, {})).status).toBe(403);
    expect((await call('GET', '/agent', editor, undefined, { accept: 'text/html' })).status).toBe(403);
    expect((await call('GET', '/agent/api/overview', admin)).status).toBe(200);
  });

  it('needs the CSRF token to change anything', async () => {
    const res = await call('POST', '/agent/api/presence', { cookie: arthur.cookie, csrf: '' }, { locales: ['zh-CN'], skills: [] });
    expect(res.status).toBe(403);
    expect(res.json.error.code).toBe('CSRF_REJECTED');
  });

  it('serves the page to an agent under a strict CSP, with no inline script', async () => {
    const page = await call('GET', '/agent', arthur, undefined, { accept: 'text/html', 'accept-language': 'en-US' });
    expect(page.status).toBe(200);
    const csp = page.headers.get('content-security-policy') ?? '';
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("connect-src 'self'");
    expect(csp).not.toContain('unsafe-inline');
    const scripts = [...page.text.matchAll(/<script([^>]*)>/g)].map((match) => match[1]);
    expect(scripts.every((attrs) => /src="\/agent\/assets\/agent\.js\?v=/.test(attrs ?? '') || /type="application\/json"/.test(attrs ?? ''))).toBe(true);
    expect(page.text).toContain(prompts.text('en-US', 'agent.heading'));
    const js = await fetch(`${server.base}${/src="([^"]+agent\.js[^"]*)"/.exec(page.text)?.[1]}`);
    expect(js.status).toBe(200);
    expect(js.headers.get('content-type')).toContain('javascript');
  });

  it('answers 404 for a conversation that never asked for a person', async () => {
    expect((await call('GET', '/agent/api/conversations/directline/no-such-conversation', arthur)).json).toMatchObject({ error: { code: 'NOT_FOUND' } });
    expect((await call('POST', '/agent/api/conversations/directline/no-such-conversation/claim', arthur, {})).status).toBe(404);
    expect((await call('POST', '/agent/api/conversations/directline/no-such-conversation/return', arthur, {})).status).toBe(404);
  });

  it('answers 400 with the fields at fault', async () => {
    const customer = await queuedCustomer();
    expect((await call('POST', '/agent/api/presence', arthur, { locales: [], skills: ['cooking'] })).json.error).toMatchObject({
      code: 'BAD_REQUEST',
      fields: { locales: expect.any(Array), 'skills.0': expect.any(Array) },
    });
    expect((await call('POST', `${pathOf(customer)}/reply`, arthur, { text: '   ' })).json.error.fields).toEqual({ text: ['must not be empty'] });
    expect((await call('POST', `${pathOf(customer)}/reply`, arthur, { text: 'x'.repeat(2001) })).json.error.fields).toHaveProperty('text');
    expect((await call('POST', `${pathOf(customer)}/transfer`, arthur, {})).json.error.fields).toHaveProperty('toAgent');
    expect((await call('POST', `${pathOf(customer)}/transfer`, arthur, { toAgent: 'beth', toSkill: 'billing' })).json.error.fields).toHaveProperty('toAgent');
    expect((await call('POST', `${pathOf(customer)}/transfer`, arthur, { toSkill: 'cooking' })).json.error.fields).toHaveProperty('toSkill');
    expect((await call('POST', `${pathOf(customer)}/close`, arthur, { outcome: 'happy', extra: 1 })).json.error.fields).toHaveProperty('outcome');
    expect((await call('GET', '/agent/api/canned?locale=fr-FR', arthur)).json.error.fields).toHaveProperty('locale');
    expect((await call('GET', '/agent/api/conversations/Direct%20Line/x', arthur)).json.error.fields).toHaveProperty('channel');
    expect((await call('POST', `${pathOf(customer)}/reply`, arthur, 'text=hi', { 'content-type': 'application/x-www-form-urlencoded' })).status).toBe(415);
    // Nothing changed: still waiting for an agent.
    expect((await call('GET', pathOf(customer), arthur)).json.record.state).toBe('queued');
  });

  it('lets exactly one of two agents claiming at once win; the other gets 409', async () => {
    const customer = await queuedCustomer();
    const [first, second] = await Promise.all([call('POST', `${pathOf(customer)}/claim`, arthur, {}), call('POST', `${pathOf(customer)}/claim`, beth, {})]);
    expect([first.status, second.status].sort()).toEqual([200, 409]);
    const loser = first.status === 409 ? first : second;
    expect(loser.json.error).toMatchObject({ code: 'HANDOFF_CONFLICT', details: { state: 'assigned' } });
    const winner = first.status === 200 ? 'arthur' : 'beth';
    const view = await call('GET', pathOf(customer), arthur);
    expect(view.json.record).toMatchObject({ state: 'assigned', assignedAgent: winner });
    // Only the winner may act on it.
    const other = winner === 'arthur' ? beth : arthur;
    expect((await call('POST', `${pathOf(customer)}/reply`, other, { text: 'hello' })).status).toBe(409);
    expect((await call('POST', `${pathOf(customer)}/return`, other, {})).status).toBe(409);
    expect((await call('POST', `${pathOf(customer)}/claim`, other, {})).status).toBe(409);
    await call('POST', `${pathOf(customer)}/close`, winner === 'arthur' ? arthur : beth, { outcome: 'other' });
  });

  it('lists the queue with wait, language, channel, priority and the packet, then the claimed conversation as mine', async () => {
    const customer = await queuedCustomer();
    const overview = await call('GET', '/agent/api/overview', arthur);
    expect(overview.json.online).toBe(true);
    const item = overview.json.queue.find((queued: { conversationId: string }) => queued.conversationId === customer.conversationId);
    expect(item).toMatchObject({ channel: 'directline', locale: 'zh-CN', state: 'queued', priority: 'normal', reasons: ['explicit-request'], waitSeconds: expect.any(Number) });
    expect(item.summary).toContain(prompts.text('zh-CN', 'handoff.reason.explicit_request'));

    const view = await call('GET', pathOf(customer), arthur);
    expect(view.json).toMatchObject({ livePush: true, place: { position: expect.any(Number), estimatedWaitMinutes: expect.any(Number) } });
    expect(view.json.record.packet.transcript.map((line: { text: string }) => line.text)).toContain('转人工');

    expect((await call('POST', `${pathOf(customer)}/claim`, arthur, {})).status).toBe(200);
    const after = await call('GET', '/agent/api/overview', arthur);
    expect(after.json.queue.map((queued: { key: string }) => queued.key)).not.toContain(`directline/${customer.conversationId}`);
    expect(after.json.mine.map((held: { key: string }) => held.key)).toContain(`directline/${customer.conversationId}`);
    await call('POST', `${pathOf(customer)}/close`, arthur, { outcome: 'solved', note: 'explained the refund' });
    expect((await call('GET', '/agent/api/overview', arthur)).json.mine.map((held: { key: string }) => held.key)).not.toContain(`directline/${customer.conversationId}`);
  });

  it('relays both ways on Direct Line, and the bot answers again after the agent returns the conversation', async () => {
    const customer = await queuedCustomer();
    expect((await call('POST', `${pathOf(customer)}/claim`, arthur, {})).status).toBe(200);
    const claimed = prompts.text('zh-CN', 'agent.customer.claimed', { agent: 'arthur' });
    expect((await customerLog(customer)).map((activity) => activity.text)).toContain(claimed);

    // The bot is silent while the agent has it; the customer's message reaches the agent.
    const before = (await customerLog(customer)).length;
    await customerSays(customer, '冰箱买了三天就坏了');
    const silent = await customerLog(customer);
    expect(silent.slice(before).map((activity) => activity.from.role)).toEqual(['user']);
    const view = await call('GET', pathOf(customer), arthur);
    expect(view.json.record.messages).toEqual(expect.arrayContaining([expect.objectContaining({ from: 'customer', text: '冰箱买了三天就坏了' })]));

    const reply = await call('POST', `${pathOf(customer)}/reply`, arthur, { text: '非常抱歉，我马上为您安排换货。' });
    expect(reply.status).toBe(200);
    expect(reply.json).toMatchObject({ delivered: true, line: { from: 'agent', agent: 'arthur', text: '非常抱歉，我马上为您安排换货。' } });
    const fromAgent = (await customerLog(customer)).filter((activity) => activity.from.id === 'agent:arthur');
    expect(fromAgent).toEqual([expect.objectContaining({ text: '非常抱歉，我马上为您安排换货。', textFormat: 'plain', from: { id: 'agent:arthur', name: 'arthur', role: 'bot' } })]);

    expect((await call('POST', `${pathOf(customer)}/return`, arthur, {})).json.record.state).toBe('bot');
    const back = prompts.text('zh-CN', 'agent.customer.backToBot');
    expect((await customerLog(customer)).map((activity) => activity.text)).toContain(back);
    const beforeThanks = (await customerLog(customer)).length;
    await customerSays(customer, '谢谢');
    const answered = (await customerLog(customer)).slice(beforeThanks);
    expect(answered.filter((activity) => activity.from.id === 'hearline').length).toBeGreaterThan(0);
    // Returned: it can no longer be claimed, and acting on it again is a conflict.
    expect((await call('POST', `${pathOf(customer)}/return`, arthur, {})).status).toBe(409);
  });

  it('relays to a JSON API customer through the pending messages the client reads', async () => {
    const started = await fetch(`${server.base}/api/chat/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"locale":"zh-CN"}' });
    expect(started.status).toBe(201);
    const { conversationId, token } = (await started.json()) as { conversationId: string; token: string };
    const auth = { authorization: `Bearer ${token}` };
    const says = async (text: string) => {
      const res = await fetch(`${server.base}/api/chat/conversations/${conversationId}/messages`, { method: 'POST', headers: { ...auth, 'content-type': 'application/json' }, body: JSON.stringify({ text }) });
      expect(res.status).toBe(200);
      return ((await res.json()) as { replies: Array<{ text: string }> }).replies;
    };
    const pending = async (after: number) => {
      const res = await fetch(`${server.base}/api/chat/conversations/${conversationId}/messages?after=${after}`, { headers: auth });
      expect(res.status).toBe(200);
      return (await res.json()) as { messages: Array<{ id: number; from: string; agent?: string; text: string; at: string }>; next: number };
    };
    expect(await pending(0)).toEqual({ messages: [], next: 0 });
    await says('转人工');
    const path = `/agent/api/conversations/api/${conversationId}`;
    expect((await call('GET', path, arthur)).json.record.state).toBe('queued');
    expect((await call('POST', `${path}/claim`, arthur, {})).status).toBe(200);
    // While the agent has it, the bot is silent: the message goes to the agent.
    expect(await says('冰箱买了三天就坏了')).toEqual([]);
    const reply = await call('POST', `${path}/reply`, arthur, { text: '非常抱歉，我马上为您安排换货。' });
    expect(reply.json).toMatchObject({ delivered: true });
    const first = await pending(0);
    expect(first.messages.map(({ from, agent, text }) => ({ from, agent, text }))).toEqual([
      { from: 'bot', agent: undefined, text: prompts.text('zh-CN', 'agent.customer.claimed', { agent: 'arthur' }) },
      { from: 'agent', agent: 'arthur', text: '非常抱歉，我马上为您安排换货。' },
    ]);
    expect(first.next).toBe(2);
    // Read from where it left off: only what is new.
    expect((await call('POST', `${path}/return`, arthur, {})).json.record.state).toBe('bot');
    expect((await pending(first.next)).messages.map((message) => message.text)).toEqual([prompts.text('zh-CN', 'agent.customer.backToBot')]);
    // Its own token only, and a readable error for a bad position.
    const other = (await (await fetch(`${server.base}/api/chat/conversations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' })).json()) as { token: string };
    expect((await fetch(`${server.base}/api/chat/conversations/${conversationId}/messages`, { headers: { authorization: `Bearer ${other.token}` } })).status).toBe(403);
    expect((await fetch(`${server.base}/api/chat/conversations/${conversationId}/messages`)).status).toBe(401);
    const bad = await fetch(`${server.base}/api/chat/conversations/${conversationId}/messages?after=-1`, { headers: auth });
    expect(bad.status).toBe(400);
    expect(await bad.text()).toContain('after');
  });

  it('closes with an outcome, thanking the customer and asking whether they are satisfied', async () => {
    const customer = await queuedCustomer();
    await call('POST', `${pathOf(customer)}/claim`, arthur, {});
    const closed = await call('POST', `${pathOf(customer)}/close`, arthur, { outcome: 'solved', note: 'refund sent' });
    expect(closed.json.record).toMatchObject({ state: 'resolved', outcome: 'solved: refund sent' });
    const texts = (await customerLog(customer)).map((activity) => activity.text);
    expect(texts.slice(-2)).toEqual([prompts.text('zh-CN', 'agent.customer.closed'), '这次服务您满意吗？']);
  });

  it('transfers to a skill or to another agent, and refuses an unknown agent', async () => {
    const customer = await queuedCustomer();
    await call('POST', `${pathOf(customer)}/claim`, arthur, {});
    expect((await call('POST', `${pathOf(customer)}/transfer`, arthur, { toAgent: 'nobody' })).json.error.fields).toEqual({ toAgent: ['there is no agent of this name'] });
    expect((await call('POST', `${pathOf(customer)}/transfer`, arthur, { toAgent: 'edith' })).status).toBe(400);
    const transferred = await call('POST', `${pathOf(customer)}/transfer`, arthur, { toAgent: 'beth' });
    expect(transferred.json.record).toMatchObject({ state: 'queued', targetAgent: 'beth' });
    expect((await customerLog(customer)).map((activity) => activity.text)).toContain(prompts.text('zh-CN', 'agent.customer.transferred'));
    // Addressed to beth: only beth sees it in her queue.
    const key = `directline/${customer.conversationId}`;
    expect((await call('GET', '/agent/api/overview', beth)).json.queue.map((item: { key: string }) => item.key)).toContain(key);
    expect((await call('GET', '/agent/api/overview', arthur)).json.queue.map((item: { key: string }) => item.key)).not.toContain(key);
    expect((await call('POST', `${pathOf(customer)}/claim`, beth, {})).status).toBe(200);
    expect((await call('POST', `${pathOf(customer)}/transfer`, beth, { toSkill: 'billing' })).json.record).toMatchObject({ state: 'queued', skill: 'billing' });
  });

  it('offers knowledge articles as canned replies, searched or listed', async () => {
    const searched = await call('GET', `/agent/api/canned?locale=zh-CN&q=${encodeURIComponent('退款多久到账')}`, arthur);
    expect(searched.status).toBe(200);
    expect(searched.json.replies.length).toBeGreaterThan(0);
    expect(searched.json.replies[0]).toEqual({ articleId: expect.any(String), title: expect.any(String), text: expect.any(String) });
    const listed = await call('GET', '/agent/api/canned?locale=en-US', arthur);
    expect(listed.json.replies.length).toBeGreaterThan(10);
    expect(new Set(listed.json.replies.map((reply: { articleId: string }) => reply.articleId)).size).toBe(listed.json.replies.length);
  });

  describe('live socket /agent/ws', () => {
    const socketUrl = () => `${server.base.replace('http', 'ws')}/agent/ws`;
    const refused = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const ws = new WebSocket(socketUrl(), { headers });
        ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
        ws.on('open', () => reject(new Error('the socket opened')));
        ws.on('error', () => undefined);
      });

    it('refuses sockets without a session (401), for an editor (403), and from another site (403)', async () => {
      expect(await refused({ origin: server.base })).toBe(401);
      expect(await refused({ origin: server.base, cookie: editor.cookie })).toBe(403);
      expect(await refused({ origin: 'https://evil.example', cookie: arthur.cookie })).toBe(403);
      expect(await refused({ cookie: arthur.cookie })).toBe(403);
    });

    it('pushes queue changes to every console and messages to the console that watches the conversation', async () => {
      const ws = new WebSocket(socketUrl(), { headers: { origin: server.base, cookie: arthur.cookie } });
      const received: Array<Record<string, any>> = [];
      const waiters: Array<() => void> = [];
      ws.on('message', (data) => {
        received.push(JSON.parse(data.toString()) as Record<string, any>);
        for (const wake of waiters.splice(0)) wake();
      });
      const waitFor = async (predicate: (event: Record<string, any>) => boolean) => {
        const deadline = Date.now() + 5000;
        while (!received.some(predicate)) {
          if (Date.now() > deadline) throw new Error(`not received; got ${JSON.stringify(received)}`);
          await new Promise<void>((resolve) => {
            waiters.push(resolve);
            setTimeout(resolve, 200);
          });
        }
      };
      try {
        await waitFor((event) => event.type === 'hello' && event.agent === 'arthur');
        const customer = await queuedCustomer();
        const key = `directline/${customer.conversationId}`;
        await waitFor((event) => event.type === 'changed' && event.key === key && event.state === 'queued');
        ws.send(JSON.stringify({ type: 'watch', key }));
        await new Promise((resolve) => setTimeout(resolve, 100));
        await customerSays(customer, '还要等多久');
        await waitFor((event) => event.type === 'message' && event.key === key && event.line.text === '还要等多久' && event.line.from === 'customer');
      } finally {
        ws.close();
      }
    });
  });
});
