import { WebSocket } from 'ws';
import { startInProcess, type InProcessServer } from '../../test/support/in-process-server';
import { customerActivities, customerSays as postAsCustomer, startCustomer, type DirectLineCustomer } from '../../test/support/directline-customer';
import { signIn as signInAt, staffHeaders, type StaffSession } from '../../test/support/staff-session';
import { PromptCatalog } from '../i18n/prompt-catalog';
import { ManualClock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';

/**
 * The sweeper against a whole Hearline (embedded store, injected clock, sweeps called by the
 * test): an agent who closes the console keeps their conversations for the grace period, then
 * they go back to the queue ahead of earlier customers and each customer is told in their own
 * language; a Web Chat customer who leaves while an agent has them shows as "customer left" in
 * the agent's console, and the agent closes the conversation with an outcome.
 */
const PASSWORD = 'agent password 12';
const SECRET = 'sweeper-test-directline-secret-0123456789';
const prompts = PromptCatalog.load(`${findProjectRoot()}/prompts`);

type Signed = StaffSession;
type Customer = DirectLineCustomer & { key: string };

describe('handoff sweeper on a whole Hearline', () => {
  const clock = new ManualClock(new Date());
  let server: InProcessServer;
  let arthur: Signed;
  let beth: Signed;
  const sockets: WebSocket[] = [];

  const signIn = (name: string) => signInAt(server.base, name, PASSWORD);
  const call = async (who: Signed, method: string, path: string, body?: unknown) => {
    const res = await fetch(`${server.base}/agent/api${path}`, {
      method,
      headers: { ...staffHeaders(who), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    return { status: res.status, json: (await res.json()) as Record<string, any> };
  };
  const goOnline = async (who: Signed) => expect((await call(who, 'POST', '/presence', { locales: ['zh-CN', 'en-US'], skills: ['general'] })).status).toBe(200);

  /** A console tab's live socket, with every event it received. */
  const openConsole = async (who: Signed) => {
    const ws = new WebSocket(`${server.base.replace('http', 'ws')}/agent/ws`, { headers: { origin: server.base, cookie: who.cookie } });
    sockets.push(ws);
    const events: Array<Record<string, any>> = [];
    ws.on('message', (data) => events.push(JSON.parse(data.toString()) as Record<string, any>));
    await until(() => events.some((event) => event.type === 'hello'), 'the console greeted');
    return { ws, events };
  };

  /** A Web Chat customer who asks for a person (over REST); `window` opens their chat's socket too. */
  const customerAsking = async (locale: 'zh-CN' | 'en-US', text: string, window: boolean): Promise<Customer> => {
    const started = await startCustomer(server.base, SECRET, locale);
    const customer = { ...started, key: `directline/${started.conversationId}` };
    if (window) {
      const ws = new WebSocket(customer.streamUrl);
      sockets.push(ws);
      // The stream sends the log so far as soon as it is open: then the server holds it.
      await new Promise<void>((resolve, reject) => {
        ws.once('message', () => resolve());
        ws.once('error', reject);
      });
    }
    await customerSays(customer, locale, text);
    expect(await server.app.handoffDesk.stateOf(customer.key)).toBe('queued');
    return customer;
  };
  const customerSays = (customer: Customer, locale: string, text: string) => postAsCustomer(server.base, customer, text, locale);
  const customerLog = async (customer: Customer) => (await customerActivities(server.base, customer)).map((activity) => activity.text);
  const sweep = () => server.app.agentConsole.sweeper.sweep();
  const online = async () => (await server.app.handoffDesk.onlineAgents()).map((agent) => agent.name);

  beforeAll(async () => {
    // The sweeper's own timer is kept out of the way: the test sweeps when the clock says so.
    server = await startInProcess({ DIRECTLINE_SECRET: SECRET, HANDOFF_SWEEP_SECONDS: '300' }, { clock });
    await server.app.auth.users.add({ name: 'arthur', role: 'agent', password: PASSWORD });
    await server.app.auth.users.add({ name: 'beth', role: 'agent', password: PASSWORD });
    [arthur, beth] = await Promise.all([signIn('arthur'), signIn('beth')]);
  });

  afterAll(async () => {
    for (const socket of sockets) socket.terminate();
    await server?.stop();
  });

  it('gives the conversations of an agent who closed the console back to the queue, first, after the grace period', async () => {
    await goOnline(arthur);
    await goOnline(beth);
    const tab = await openConsole(arthur);
    const earlier = await customerAsking('zh-CN', '转人工', true);
    clock.advance(1000);
    const zh = await customerAsking('zh-CN', '转人工', true);
    clock.advance(1000);
    const en = await customerAsking('en-US', 'I want to talk to a person', true);
    expect((await server.app.handoffDesk.get(en.key))?.locale).toBe('en-US');
    expect((await call(arthur, 'POST', `/conversations/${zh.key}/claim`)).status).toBe(200);
    expect((await call(arthur, 'POST', `/conversations/${en.key}/claim`)).status).toBe(200);

    // The tab closes: arthur is offline at once, not after the presence timeout.
    tab.ws.close(1001, 'tab closed');
    await until(async () => !(await online()).includes('arthur'), 'arthur offline');
    expect(await online()).toEqual(['beth']);

    // His conversations stay his for the grace period (a reload would have found them).
    clock.advance(59_000);
    expect((await sweep()).requeued).toEqual([]);
    expect(await server.app.handoffDesk.get(zh.key)).toMatchObject({ state: 'assigned', assignedAgent: 'arthur' });

    clock.advance(1000);
    expect((await sweep()).requeued).toEqual([zh.key, en.key]);
    const queue = (await call(beth, 'GET', '/overview')).json.queue as Array<{ key: string; interruptedFrom?: string }>;
    expect(queue.map((item) => [item.key, item.interruptedFrom])).toEqual([
      [zh.key, 'arthur'],
      [en.key, 'arthur'],
      [earlier.key, undefined],
    ]);
    expect(await customerLog(zh)).toContain(prompts.text('zh-CN', 'agent.customer.agentLeft'));
    expect(await customerLog(en)).toContain(prompts.text('en-US', 'agent.customer.agentLeft'));
    const history = (await call(beth, 'GET', `/conversations/${zh.key}`)).json.record.history as Array<{ event: string; by?: string; note?: string }>;
    expect(history.map((entry) => entry.event)).toEqual(['request', 'claim', 'transfer']);
    expect(history[2]?.note).toMatch(/^agent arthur away since \d{4}-\d\d-\d\dT/);

    // A colleague takes over; the customer is told who.
    expect((await call(beth, 'POST', `/conversations/${zh.key}/claim`)).status).toBe(200);
    expect(await customerLog(zh)).toContain(prompts.text('zh-CN', 'agent.customer.claimed', { agent: 'beth' }));
    for (const customer of [en, earlier]) expect((await call(beth, 'POST', `/conversations/${customer.key}/claim`)).status).toBe(200);
    for (const customer of [zh, en, earlier]) expect((await call(beth, 'POST', `/conversations/${customer.key}/close`, { outcome: 'solved' })).status).toBe(200);
  });

  it('shows a web-chat customer who left while an agent has them in the console, until they are back or the agent closes it', async () => {
    await goOnline(arthur);
    const tab = await openConsole(arthur);
    const leaving = await customerAsking('zh-CN', '转人工', false);
    const staying = await customerAsking('zh-CN', '转人工', true);
    for (const customer of [leaving, staying]) expect((await call(arthur, 'POST', `/conversations/${customer.key}/claim`)).status).toBe(200);
    const askedAt = (await server.app.handoffDesk.get(leaving.key))?.requestedAt;

    // No chat window and no message for the abandon period (120 s): left; the one with a window open stays.
    clock.advance(119_000);
    expect((await sweep()).customersLeft).toEqual([]);
    clock.advance(1000);
    expect((await sweep()).customersLeft).toEqual([leaving.key]);
    // The agent keeps it (their console stays open) and sees it live, in the list and in the conversation.
    await until(() => tab.events.some((event) => event.type === 'changed' && event.key === leaving.key), 'the console told');
    const mine = (await call(arthur, 'GET', '/overview')).json.mine as Array<{ key: string; customerLeftAt?: string }>;
    expect(mine.map((item) => [item.key, item.customerLeftAt])).toEqual([
      [leaving.key, askedAt],
      [staying.key, undefined],
    ]);
    expect((await call(arthur, 'GET', `/conversations/${leaving.key}`)).json).toMatchObject({ record: { state: 'assigned', assignedAgent: 'arthur' }, customerLeftAt: askedAt });
    expect((await sweep()).customersLeft).toEqual([]);

    // Back with a message: no longer shown as gone.
    await customerSays(leaving, 'zh-CN', '不好意思刚才走开了');
    expect((await call(arthur, 'GET', `/conversations/${leaving.key}`)).json.customerLeftAt).toBeUndefined();

    // Gone again; the agent closes it with an outcome, and the record tells the story.
    clock.advance(120_000);
    expect((await sweep()).customersLeft).toEqual([leaving.key]);
    const closed = await call(arthur, 'POST', `/conversations/${leaving.key}/close`, { outcome: 'not_solved', note: 'customer left' });
    expect(closed.status).toBe(200);
    expect(closed.json.record).toMatchObject({ state: 'resolved', outcome: 'not_solved: customer left' });
    expect((closed.json.record.customerPresence as Array<{ event: string; note: string }>).map((entry) => `${entry.event}: ${entry.note}`)).toEqual([
      'left: no chat window open and no message',
      'back: wrote a message',
      'left: no chat window open and no message',
    ]);
    expect((await call(arthur, 'GET', '/overview')).json.mine.map((item: { key: string }) => item.key)).toEqual([staying.key]);
    expect(await server.app.handoffDesk.stateOf(staying.key)).toBe('assigned');
  });
});

/** Waits for what a server does right after a socket event (well under a second), by the real clock. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`not within 5 s: ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
}
