import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { openRedisStore } from '../../storage/redis-store';
import { openSqliteStore } from '../../storage/sqlite-store';
import type { Store } from '../../storage/store';
import { ManualClock } from '../../util/clock';
import { HandoffConflictError, HandoffDesk, type HandoffDeskEvent, type HandoffTicket } from './handoff-desk';
import type { HandoffPacket } from './handoff-record';

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
});
