import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openRedisStore } from '../../storage/redis-store';
import { openSqliteStore } from '../../storage/sqlite-store';
import type { Store } from '../../storage/store';
import { ManualClock } from '../../util/clock';
import { HandoffConflictError, HandoffDesk, type HandoffDeskEvent, type HandoffTicket } from './handoff-desk';
import { customerLeftAt, type HandoffPacket } from './handoff-record';

const REDIS_URL = 'redis://127.0.0.1:6379';

const packet: HandoffPacket = { summary: '客户投诉快递未到。', articles: [], emotions: [], escalation: [], transcript: [], earlierComplaints: [] };

function ticket(conversationId: string, overrides: Partial<HandoffTicket> = {}): HandoffTicket {
  return { channel: 'directline', conversationId, userId: `u-${conversationId}`, locale: 'zh-CN', priority: 'normal', vip: false, skill: 'logistics', reasons: ['explicit-request'], packet, ...overrides };
}

const zhAgent = { name: 'li', locales: ['zh-CN'], skills: ['logistics', 'billing'] };
const enAgent = { name: 'amy', locales: ['en-US'], skills: ['logistics'] };

describe.each([
  ['SQLite', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'hearline-desk-'));
    const store = openSqliteStore({ dataDir: dir });
    return { store, cleanup: async () => { await store.close(); fs.rmSync(dir, { recursive: true, force: true }); } };
  }],
  ['Redis', async () => {
    const store = await openRedisStore({ url: REDIS_URL, keyPrefix: `hl-desk-${randomUUID().slice(0, 8)}:` });
    return { store, cleanup: () => store.close() };
  }],
] as Array<[string, () => Promise<{ store: Store; cleanup: () => Promise<void> }>]>)('HandoffDesk on %s', (_name, open) => {
  let store: Store;
  let cleanup: () => Promise<void>;
  let clock: ManualClock;
  let events: HandoffDeskEvent[];
  let desk: HandoffDesk;

  beforeEach(async () => {
    ({ store, cleanup } = await open());
    clock = new ManualClock('2026-11-23T02:00:00Z'); // 10:00 in Shanghai
    events = [];
    desk = new HandoffDesk(store.documents, clock, { timeZone: 'Asia/Shanghai', hours: { open: '09:00', close: '21:00' }, maxWaitMinutes: 15, averageHandleMinutes: 5, presenceTimeoutSeconds: 60 }, async (event) => {
      events.push(event);
    });
  });

  afterEach(async () => {
    await cleanup();
  });

  it('tells the customer nobody is there when no agent of their language is online', async () => {
    await desk.heartbeat(enAgent);
    expect(await desk.request(ticket('c1'))).toEqual({ kind: 'unavailable', why: 'no_agents' });
  });

  it('does not queue after hours', async () => {
    await desk.heartbeat(zhAgent);
    clock.advance(12 * 3_600_000); // 22:00 in Shanghai
    expect(await desk.request(ticket('c1'))).toEqual({ kind: 'unavailable', why: 'after_hours' });
  });

  it('forgets agents whose console went quiet', async () => {
    await desk.heartbeat(zhAgent);
    clock.advance(61_000);
    expect(await desk.onlineAgents()).toEqual([]);
  });

  it('queues in order of priority, VIP, then arrival, and tells each customer their place', async () => {
    await desk.heartbeat(zhAgent);
    const first = await desk.request(ticket('c1'));
    clock.advance(1000);
    await desk.request(ticket('c2'));
    clock.advance(1000);
    await desk.request(ticket('c3', { vip: true }));
    clock.advance(1000);
    const urgent = await desk.request(ticket('c4', { priority: 'urgent', skill: 'product_quality' }));
    expect(first).toMatchObject({ kind: 'queued', position: 1, estimatedWaitMinutes: 5 });
    expect(urgent).toMatchObject({ kind: 'queued', position: 1 });
    expect((await desk.queue()).map((record) => record.conversationId)).toEqual(['c4', 'c3', 'c1', 'c2']);
    expect(await desk.placeOf((await desk.get('directline/c2'))!)).toEqual({ position: 4, estimatedWaitMinutes: 20 });
  });

  it('offers something else than a wait over the limit, except for urgent cases', async () => {
    await desk.heartbeat(zhAgent);
    for (const id of ['c1', 'c2', 'c3']) await desk.request(ticket(id));
    expect(await desk.request(ticket('c4'))).toEqual({ kind: 'unavailable', why: 'wait_too_long' });
    expect(await desk.stateOf('directline/c4')).toBe('bot');
    expect(await desk.request(ticket('c5', { priority: 'urgent' }))).toMatchObject({ kind: 'queued', position: 1 });
  });

  it('asking again while queued keeps the place', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    await desk.request(ticket('c2'));
    expect(await desk.request(ticket('c2'))).toMatchObject({ kind: 'queued', position: 2 });
    expect(await desk.queue()).toHaveLength(2);
  });

  it('lets exactly one of two agents claiming at once win', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    const results = await Promise.allSettled([desk.claim('directline/c1', 'li'), desk.claim('directline/c1', 'wang')]);
    const won = results.filter((result) => result.status === 'fulfilled');
    const lost = results.filter((result): result is PromiseRejectedResult => result.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0]?.reason).toBeInstanceOf(HandoffConflictError);
    const record = await desk.get('directline/c1');
    expect(record?.state).toBe('assigned');
    expect(['li', 'wang']).toContain(record?.assignedAgent);
    expect(await desk.queue()).toEqual([]);
  });

  it('routes by language and skill; urgent cases reach everyone; transfers keep the place', async () => {
    await desk.heartbeat(zhAgent);
    await desk.heartbeat(enAgent);
    await desk.request(ticket('zh-privacy', { skill: 'privacy' }));
    clock.advance(1000);
    await desk.request(ticket('zh-logistics'));
    clock.advance(1000);
    await desk.request(ticket('en-logistics', { locale: 'en-US' }));
    clock.advance(1000);
    await desk.request(ticket('zh-urgent', { priority: 'urgent', skill: 'privacy' }));
    expect((await desk.queueFor(zhAgent)).map((record) => record.conversationId)).toEqual(['zh-urgent', 'zh-logistics']);
    expect((await desk.queueFor(enAgent)).map((record) => record.conversationId)).toEqual(['en-logistics']);

    await desk.claim('directline/zh-logistics', 'li');
    clock.advance(1000);
    await desk.request(ticket('zh-later'));
    const transferred = await desk.transfer('directline/zh-logistics', 'li', { agent: 'wang' });
    expect(transferred).toMatchObject({ state: 'queued', targetAgent: 'wang' });
    expect((await desk.queueFor(zhAgent)).map((record) => record.conversationId)).toEqual(['zh-urgent', 'zh-later']);
    expect((await desk.queueFor({ name: 'wang', locales: ['zh-CN'], skills: [] })).map((record) => record.conversationId)).toEqual(['zh-urgent', 'zh-logistics']);
  });

  it('returns a conversation to the bot, closes one with an outcome, and refuses acts by another agent', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    await desk.request(ticket('c2'));
    await desk.claim('directline/c1', 'li');
    await desk.claim('directline/c2', 'li');
    await expect(desk.returnToBot('directline/c1', 'wang')).rejects.toBeInstanceOf(HandoffConflictError);
    expect(await desk.returnToBot('directline/c1', 'li')).toMatchObject({ state: 'bot' });
    expect(await desk.resolve('directline/c2', 'li', 'refund issued')).toMatchObject({ state: 'resolved', outcome: 'refund issued' });
    expect((await desk.get('directline/c2'))?.history.map((entry) => entry.event)).toEqual(['request', 'claim', 'resolve']);
    expect(events.filter((event) => event.kind === 'changed').map((event) => event.kind === 'changed' && event.state)).toEqual(['queued', 'queued', 'assigned', 'assigned', 'bot', 'resolved']);
  });

  it('marks a customer who left the queue abandoned, not queued', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    expect(await desk.leave('directline/c1')).toMatchObject({ state: 'abandoned' });
    expect(await desk.queue()).toEqual([]);
    expect((await desk.request(ticket('c1'))).kind).toBe('queued');
  });

  it('times out stale waits but never an urgent case', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    await desk.request(ticket('c2', { priority: 'urgent' }));
    clock.advance(31 * 60_000);
    expect((await desk.timeOutStale()).map((record) => record.conversationId)).toEqual(['c1']);
    expect(await desk.stateOf('directline/c1')).toBe('timed_out');
    expect(await desk.stateOf('directline/c2')).toBe('queued');
  });

  it('keeps the messages exchanged during the handoff and announces each', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    await desk.claim('directline/c1', 'li');
    await desk.addMessage('directline/c1', { at: clock.now().toISOString(), from: 'agent', agent: 'li', text: '您好，我是小李' });
    await desk.addMessage('directline/c1', { at: clock.now().toISOString(), from: 'customer', text: '快递到底在哪' });
    expect((await desk.get('directline/c1'))?.messages.map((line) => line.text)).toEqual(['您好，我是小李', '快递到底在哪']);
    expect(events.filter((event) => event.kind === 'message')).toHaveLength(2);
  });
  describe('presence', () => {
    const options = { timeZone: 'Asia/Shanghai', maxWaitMinutes: 15, averageHandleMinutes: 5, presenceTimeoutSeconds: 60 };

    it('takes an agent offline at once when their last console closes, on whichever instance, and not before', async () => {
      const other = new HandoffDesk(store.documents, clock, options);
      await desk.heartbeat(zhAgent);
      await desk.consoleOpened('li', 'tab-on-a');
      await other.consoleOpened('li', 'tab-on-b');
      expect(await desk.consolesOpen('li')).toBe(2);

      expect(await desk.consoleClosed('li', 'tab-on-a')).toBe(false);
      expect(await other.onlineAgents()).toEqual([zhAgent]);
      expect(await desk.awayAgents(['li'])).toEqual(new Map());

      clock.advance(5_000);
      expect(await other.consoleClosed('li', 'tab-on-b')).toBe(true);
      expect(await desk.onlineAgents()).toEqual([]);
      expect(await desk.awayAgents(['li', 'wang'])).toEqual(new Map([['li', clock.now()], ['wang', undefined]]));
      // Nobody is left to take a new customer.
      expect(await desk.request(ticket('c1'))).toEqual({ kind: 'unavailable', why: 'no_agents' });
    });

    it('lets exactly one of two instances closing the last two consoles at once take the agent offline', async () => {
      const other = new HandoffDesk(store.documents, clock, options);
      await desk.heartbeat(zhAgent);
      await desk.consoleOpened('li', 'tab-1');
      await desk.consoleOpened('li', 'tab-2');
      const results = await Promise.all([desk.consoleClosed('li', 'tab-1'), other.consoleClosed('li', 'tab-2')]);
      expect(results.sort()).toEqual([false, true]);
      expect(await desk.onlineAgents()).toEqual([]);
      expect(await desk.consolesOpen('li')).toBe(0);
    });

    it('counts a heartbeat that names a console only while that console is open: one in flight as the last tab closed does not bring the agent back', async () => {
      expect(await desk.heartbeat(zhAgent)).toBe(true);
      await desk.consoleOpened('li', 'tab');
      await desk.consoleOpened('wang', 'wang-tab');
      clock.advance(5_000);
      expect(await desk.heartbeat(zhAgent, 'tab')).toBe(true);
      // Another agent's console does not speak for li.
      expect(await desk.heartbeat(zhAgent, 'wang-tab')).toBe(false);

      expect(await desk.consoleClosed('li', 'tab')).toBe(true);
      const awaySince = clock.now();
      clock.advance(1_000);
      // The page's last heartbeat arrives after the close: it does not count.
      expect(await desk.heartbeat(zhAgent, 'tab')).toBe(false);
      expect(await desk.onlineAgents()).toEqual([]);
      expect(await desk.awayAgents(['li'])).toEqual(new Map([['li', awaySince]]));

      // A heartbeat that names no console (an API client) counts as it always did.
      expect(await desk.heartbeat(zhAgent)).toBe(true);
      expect(await desk.onlineAgents()).toEqual([zhAgent]);
    });

    it('stops counting a console of an instance that stopped after the presence timeout', async () => {
      await desk.heartbeat(zhAgent);
      await desk.consoleOpened('li', 'tab-on-stopped');
      await desk.consoleOpened('li', 'tab-on-running');
      // The running instance refreshes its console; the stopped one cannot.
      clock.advance(40_000);
      await desk.consolesAlive(['tab-on-running']);
      await desk.heartbeat(zhAgent);
      clock.advance(30_000);
      expect(await desk.consolesOpen('li')).toBe(1);
      expect(await desk.consoleClosed('li', 'tab-on-running')).toBe(true);
    });

    it('forgets the consoles of an instance shutting down without taking their agents offline', async () => {
      await desk.heartbeat(zhAgent);
      await desk.consoleOpened('li', 'tab');
      // wang works with the console open but has not gone online (takes no new customers).
      await desk.consoleOpened('wang', 'wang-tab');
      clock.advance(30_000);
      await desk.forgetConsoles(['tab', 'wang-tab']);
      expect(await desk.consolesOpen('li')).toBe(0);
      expect(await desk.onlineAgents()).toEqual([zhAgent]);
      // The grace period of wang's conversations counts from the shutdown, not from their claims.
      expect(await desk.awayAgents(['li', 'wang'])).toEqual(new Map([['wang', clock.now()]]));
    });
  });

  it('serves a conversation whose agent went away first after urgent cases, and counts its wait from its return to the queue', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    await desk.claim('directline/c1', 'li');
    clock.advance(60_000);
    await desk.request(ticket('high', { priority: 'high', vip: true }));
    await desk.request(ticket('urgent', { priority: 'urgent' }));
    await desk.heartbeat(zhAgent);
    expect((await desk.assigned()).map((record) => record.key)).toEqual(['directline/c1']);

    // li talked with c1 for longer than any wait limit, then went away.
    clock.advance(40 * 60_000);
    await desk.heartbeat(zhAgent);
    const requeued = await desk.requeueFromAbsentAgent('directline/c1', 'li', 'agent li away since then');
    expect(requeued).toMatchObject({ state: 'queued', interrupted: { agent: 'li', at: clock.now().toISOString() } });
    await expect(desk.requeueFromAbsentAgent('directline/c1', 'li', 'twice')).rejects.toBeInstanceOf(HandoffConflictError);
    expect(await desk.assigned()).toEqual([]);
    expect((await desk.queue()).map((record) => record.conversationId)).toEqual(['urgent', 'c1', 'high']);
    expect(await desk.placeOf(requeued)).toMatchObject({ position: 2 });
    // Its first request was 41 minutes ago, but it is back in the queue only now: no time-out yet.
    expect((await desk.timeOutStale()).map((record) => record.conversationId)).toEqual(['high']);
    clock.advance(31 * 60_000);
    expect((await desk.timeOutStale()).map((record) => record.conversationId)).toEqual(['c1']);
  });

  it('notes a customer leaving and coming back while an agent has them, and announces each', async () => {
    await desk.heartbeat(zhAgent);
    await desk.request(ticket('c1'));
    expect(await desk.noteCustomerPresence('directline/c1', { event: 'left', since: clock.now().toISOString(), note: 'queued' })).toBe(false);
    await desk.claim('directline/c1', 'li');
    events.length = 0;
    const since = clock.now().toISOString();
    clock.advance(120_000);
    expect(await desk.noteCustomerPresence('directline/c1', { event: 'left', since, note: 'no chat window open and no message' })).toBe(true);
    expect(await desk.noteCustomerPresence('directline/c1', { event: 'left', since, note: 'again' })).toBe(false);
    await desk.addMessage('directline/c1', { at: clock.now().toISOString(), from: 'agent', agent: 'li', text: '您还在吗？' });
    expect(customerLeftAt((await desk.get('directline/c1'))!)).toBe(since);
    await desk.addMessage('directline/c1', { at: clock.now().toISOString(), from: 'customer', text: '在的' });
    const record = await desk.get('directline/c1');
    expect(record && customerLeftAt(record)).toBeUndefined();
    expect(record?.state).toBe('assigned');
    expect(record?.customerPresence?.map((entry) => entry.event)).toEqual(['left', 'back']);
    expect(events.map((event) => event.kind === 'changed' ? `changed ${event.state}` : `message ${event.line.from}`)).toEqual([
      'changed assigned',
      'message agent',
      'message customer',
      'changed assigned',
    ]);
  });
});
