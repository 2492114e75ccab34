import path from 'node:path';
import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import { createLogger } from '../logging/logger';
import { PromptCatalog } from '../i18n/prompt-catalog';
import { HandoffDesk, type HandoffTicket } from '../services/handoff/handoff-desk';
import type { HandoffPacket, HandoffRecord } from '../services/handoff/handoff-record';
import { ManualClock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';
import type { CustomerChannels, CustomerMessage } from './customer-channels';
import { HandoffSweeper, type SweepResult } from './handoff-sweeper';

const prompts = PromptCatalog.load(path.join(findProjectRoot(), 'prompts'));
/** A sweep that changed nothing; tests spread their changes over it. */
const NOTHING: SweepResult = { abandoned: [], timedOut: [], customersLeft: [], customersBack: [], requeued: [], keptCompany: [] };
const packet: HandoffPacket = { summary: '客户要求人工。', articles: [], emotions: [], escalation: [], transcript: [], earlierComplaints: [] };
const ticket = (conversationId: string, overrides: Partial<HandoffTicket> = {}): HandoffTicket => ({
  channel: 'directline',
  conversationId,
  userId: `u-${conversationId}`,
  locale: 'zh-CN',
  priority: 'normal',
  vip: false,
  skill: 'general',
  reasons: ['explicit-request'],
  packet,
  ...overrides,
});

/** Records what would have been pushed to customers. */
class RecordingChannels implements CustomerChannels {
  readonly delivered: Array<{ key: string; message: CustomerMessage }> = [];
  canPush(channel: string): boolean {
    return channel === 'directline';
  }
  async deliver(record: HandoffRecord, message: CustomerMessage): Promise<boolean> {
    if (!this.canPush(record.channel)) return false;
    this.delivered.push({ key: record.key, message });
    return true;
  }
}

describe('HandoffSweeper', () => {
  let documents: MemoryDocumentStore;
  let clock: ManualClock;
  let desk: HandoffDesk;
  let channels: RecordingChannels;
  /** Conversations with an open socket on "this" instance and on "another" one. */
  let heldHere: Set<string>;
  let heldThere: Set<string>;
  let here: HandoffSweeper;
  let there: HandoffSweeper;

  const sweeper = (held: Set<string>, companySeconds: number) =>
    new HandoffSweeper({
      desk,
      documents,
      channels,
      prompts,
      clock,
      logger: createLogger('silent'),
      holdsStream: (id) => held.has(id),
      holdsConsole: () => false,
      abandonAfterSeconds: 120,
      agentGraceSeconds: 60,
      companySeconds,
      intervalSeconds: 15,
    });

  beforeEach(async () => {
    documents = new MemoryDocumentStore();
    clock = new ManualClock('2026-11-23T02:00:00Z');
    desk = new HandoffDesk(documents, clock, { timeZone: 'Asia/Shanghai', maxWaitMinutes: 15, averageHandleMinutes: 5, presenceTimeoutSeconds: 3600 });
    channels = new RecordingChannels();
    heldHere = new Set();
    heldThere = new Set();
    // Company messages are tested on their own (see below); here they would only add noise.
    here = sweeper(heldHere, 3600);
    there = sweeper(heldThere, 3600);
    await desk.heartbeat({ name: 'li', locales: ['zh-CN', 'en-US'], skills: ['general'] });
  });

  it('marks a queued web-chat customer with no socket and no message for the limit abandoned, and leaves the others', async () => {
    await desk.request(ticket('gone'));
    await desk.request(ticket('talking'));
    await desk.request(ticket('api-customer', { channel: 'http-json' }));
    clock.advance(100_000);
    await desk.addMessage('directline/talking', { at: clock.now().toISOString(), from: 'customer', text: '还要等多久' });
    expect(await here.sweep()).toEqual(NOTHING);

    clock.advance(21_000);
    expect(await here.sweep()).toEqual({ ...NOTHING, abandoned: ['directline/gone'] });
    expect(await desk.stateOf('directline/gone')).toBe('abandoned');
    expect((await desk.queue()).map((record) => record.key)).toEqual(['directline/talking', 'http-json/api-customer']);

    clock.advance(100_000);
    expect((await here.sweep()).abandoned).toEqual(['directline/talking']);
    // Other channels have no socket to watch: only the wait limit ends their wait.
    expect(await desk.stateOf('http-json/api-customer')).toBe('queued');
  });

  it('keeps a customer whose socket is open on another instance, and abandons them once it closes', async () => {
    await desk.request(ticket('elsewhere'));
    heldThere.add('elsewhere');
    for (let step = 0; step < 20; step += 1) {
      clock.advance(15_000);
      await there.sweep();
      expect((await here.sweep()).abandoned).toEqual([]);
    }
    expect(await desk.stateOf('directline/elsewhere')).toBe('queued');

    heldThere.delete('elsewhere');
    clock.advance(119_000);
    expect((await here.sweep()).abandoned).toEqual([]);
    clock.advance(2_000);
    expect((await here.sweep()).abandoned).toEqual(['directline/elsewhere']);
    // The second instance finds it already gone: no error, nothing twice.
    expect(await there.sweep()).toEqual(NOTHING);
  });

  it('keeps waiting customers company after a silence, with their place and wait, once across instances', async () => {
    const companyHere = sweeper(heldHere, 90);
    const companyThere = sweeper(heldThere, 90);
    await desk.request(ticket('first'));
    await desk.request(ticket('second'));
    heldHere.add('first');
    heldHere.add('second');
    const stillWaiting = (position: number, minutes: number) => ({
      from: 'bot',
      text: prompts.render('zh-CN', 'agent.customer.stillWaiting', { position: String(position), minutes: String(minutes) }).text,
      speak: expect.any(String),
    });

    clock.advance(89_000);
    expect((await companyHere.sweep()).keptCompany).toEqual([]);
    clock.advance(2_000);
    expect((await companyHere.sweep()).keptCompany).toEqual(['directline/first', 'directline/second']);
    expect((await companyThere.sweep()).keptCompany).toEqual([]);
    // One agent online, five minutes a conversation.
    expect(channels.delivered).toEqual([
      { key: 'directline/first', message: stillWaiting(1, 5) },
      { key: 'directline/second', message: stillWaiting(2, 10) },
    ]);
    expect((await desk.get('directline/first'))?.messages.at(-1)?.text).toBe(stillWaiting(1, 5).text);

    // The second customer writes: the silence starts again for them only.
    clock.advance(9_000);
    await desk.addMessage('directline/second', { at: clock.now().toISOString(), from: 'customer', text: '还要多久？' });
    clock.advance(85_000);
    expect((await companyThere.sweep()).keptCompany).toEqual(['directline/first']);
    expect((await companyHere.sweep()).keptCompany).toEqual([]);
    clock.advance(6_000);
    expect((await companyHere.sweep()).keptCompany).toEqual(['directline/second']);
  });

  it('times out waits over the limit and offers the customer a call-back on their channel', async () => {
    await desk.request(ticket('waiting'));
    await desk.request(ticket('urgent', { priority: 'urgent' }));
    heldHere.add('waiting');
    heldHere.add('urgent');
    clock.advance(31 * 60_000);
    expect(await here.sweep()).toEqual({ ...NOTHING, timedOut: ['directline/waiting'] });
    expect(await desk.stateOf('directline/waiting')).toBe('timed_out');
    expect(await desk.stateOf('directline/urgent')).toBe('queued');
    expect(channels.delivered).toEqual([{ key: 'directline/waiting', message: { from: 'bot', text: prompts.text('zh-CN', 'agent.customer.timedOut'), speak: expect.any(String) } }]);
  });

  describe('an agent who goes away', () => {
    beforeEach(async () => {
      // li works in one console tab; every customer keeps their chat window open.
      await desk.consoleOpened('li', 'li-tab');
      for (const id of ['earlier', 'mine', 'urgent', 'en-mine']) heldHere.add(id);
      await desk.request(ticket('earlier'));
      clock.advance(1000);
      await desk.request(ticket('mine'));
      clock.advance(1000);
      await desk.request(ticket('en-mine', { locale: 'en-US' }));
      await desk.claim('directline/mine', 'li');
      await desk.claim('directline/en-mine', 'li');
      await desk.request(ticket('urgent', { priority: 'urgent' }));
    });

    it('keeps their conversations for the grace period, then puts them first after urgent cases and tells each customer in their language', async () => {
      expect(await desk.consoleClosed('li', 'li-tab')).toBe(true);
      expect(await desk.onlineAgents()).toEqual([]);
      clock.advance(59_000);
      expect(await here.sweep()).toEqual(NOTHING);
      expect(await desk.stateOf('directline/mine')).toBe('assigned');

      clock.advance(1_000);
      expect(await here.sweep()).toEqual({ ...NOTHING, requeued: ['directline/mine', 'directline/en-mine'] });
      // Urgent first; then the interrupted conversations, ahead of a customer who asked before them.
      expect((await desk.queue()).map((record) => record.conversationId)).toEqual(['urgent', 'mine', 'en-mine', 'earlier']);
      const record = await desk.get('directline/mine');
      expect(record).toMatchObject({ state: 'queued', interrupted: { agent: 'li', at: clock.now().toISOString() } });
      expect(record?.assignedAgent).toBeUndefined();
      expect(record?.history.at(-1)).toEqual({ event: 'transfer', at: clock.now().toISOString(), note: 'agent li away since 2026-11-23T02:00:02.000Z' });
      const told = (locale: 'zh-CN' | 'en-US') => ({ from: 'bot', text: prompts.text(locale, 'agent.customer.agentLeft'), speak: expect.any(String) });
      expect(channels.delivered).toEqual([
        { key: 'directline/mine', message: told('zh-CN') },
        { key: 'directline/en-mine', message: told('en-US') },
      ]);
      expect(record?.messages.at(-1)).toMatchObject({ from: 'bot', text: prompts.text('zh-CN', 'agent.customer.agentLeft') });

      // Another instance finds nothing left to do; the next agent to claim it clears the mark.
      expect(await there.sweep()).toEqual(NOTHING);
      expect(channels.delivered).toHaveLength(2);
      expect((await desk.claim('directline/mine', 'wang')).interrupted).toBeUndefined();
    });

    it('keeps them when the agent comes back within the grace period (a reload, a dropped connection)', async () => {
      await desk.consoleClosed('li', 'li-tab');
      clock.advance(40_000);
      await desk.consoleOpened('li', 'li-tab-reloaded');
      clock.advance(60_000);
      expect(await here.sweep()).toEqual(NOTHING);
      expect((await desk.get('directline/mine'))?.assignedAgent).toBe('li');
    });

    it('counts the grace period from the last sign of an agent whose instance stopped', async () => {
      // li's console was on an instance that died: nobody refreshes it, nobody closes it.
      await desk.signOff('li');
      clock.advance(3_597_000);
      expect((await here.sweep()).requeued).toEqual([]);
      expect(await desk.awayAgents(['li'])).toEqual(new Map());
      // The console counts until the presence timeout (3600 s here) after it was last refreshed.
      clock.advance(60_000);
      expect(await desk.awayAgents(['li'])).toEqual(new Map([['li', new Date('2026-11-23T03:00:00Z')]]));
      expect((await here.sweep()).requeued).toEqual([]);
      clock.advance(1_000);
      expect((await here.sweep()).requeued).toEqual(['directline/mine', 'directline/en-mine']);
    });
  });

  describe('a customer who leaves while an agent has them', () => {
    beforeEach(async () => {
      await desk.consoleOpened('li', 'li-tab');
      await desk.request(ticket('c1'));
      await desk.claim('directline/c1', 'li');
      heldThere.add('c1');
      clock.advance(15_000);
      await there.sweep();
    });

    it('is noted for the agent (the conversation stays theirs to close), and un-noted when they come back', async () => {
      heldThere.delete('c1');
      clock.advance(119_000);
      expect(await here.sweep()).toEqual(NOTHING);
      clock.advance(1_000);
      expect(await here.sweep()).toEqual({ ...NOTHING, customersLeft: ['directline/c1'] });
      const left = await desk.get('directline/c1');
      expect(left).toMatchObject({ state: 'assigned', assignedAgent: 'li' });
      expect(left?.customerPresence).toEqual([{ at: clock.now().toISOString(), event: 'left', since: '2026-11-23T02:00:15.000Z', note: 'no chat window open and no message' }]);
      expect(await there.sweep()).toEqual(NOTHING);

      // Back with a message: noted at once.
      await desk.addMessage('directline/c1', { at: clock.now().toISOString(), from: 'customer', text: '我回来了' });
      expect((await desk.get('directline/c1'))?.customerPresence?.map((entry) => entry.event)).toEqual(['left', 'back']);

      // Gone again, then back with the chat window open on another instance.
      clock.advance(120_000);
      expect((await here.sweep()).customersLeft).toEqual(['directline/c1']);
      heldThere.add('c1');
      expect(await there.sweep()).toEqual({ ...NOTHING, customersBack: ['directline/c1'] });
      expect((await desk.get('directline/c1'))?.customerPresence?.map((entry) => `${entry.event}: ${entry.note}`)).toEqual([
        'left: no chat window open and no message',
        'back: wrote a message',
        'left: no chat window open and no message',
        'back: chat window open again',
      ]);
      // The agent closes it as usual.
      expect(await desk.resolve('directline/c1', 'li', 'solved')).toMatchObject({ state: 'resolved' });
    });

    it('is abandoned, not queued for a colleague, when the agent goes away too', async () => {
      heldThere.delete('c1');
      clock.advance(120_000);
      expect((await here.sweep()).customersLeft).toEqual(['directline/c1']);
      await desk.consoleClosed('li', 'li-tab');
      clock.advance(60_000);
      expect(await here.sweep()).toEqual({ ...NOTHING, abandoned: ['directline/c1'] });
      expect((await desk.get('directline/c1'))?.history.at(-1)).toEqual({ event: 'leave', at: clock.now().toISOString(), note: 'agent li away since 2026-11-23T02:02:15.000Z, and the customer left' });
      expect(channels.delivered).toEqual([]);
      expect(await desk.queue()).toEqual([]);
    });
  });
});
