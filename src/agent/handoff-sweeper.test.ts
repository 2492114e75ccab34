import path from 'node:path';
import { MemoryDocumentStore } from '../../test/support/memory-document-store';
import { createLogger } from '../logging/logger';
import { PromptCatalog } from '../i18n/prompt-catalog';
import { HandoffDesk, type HandoffTicket } from '../services/handoff/handoff-desk';
import type { HandoffPacket, HandoffRecord } from '../services/handoff/handoff-record';
import { ManualClock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';
import type { CustomerChannels, CustomerMessage } from './customer-channels';
import { HandoffSweeper } from './handoff-sweeper';

const prompts = PromptCatalog.load(path.join(findProjectRoot(), 'prompts'));
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

  beforeEach(async () => {
    documents = new MemoryDocumentStore();
    clock = new ManualClock('2026-11-23T02:00:00Z');
    desk = new HandoffDesk(documents, clock, { timeZone: 'Asia/Shanghai', maxWaitMinutes: 15, averageHandleMinutes: 5, presenceTimeoutSeconds: 3600 });
    channels = new RecordingChannels();
    heldHere = new Set();
    heldThere = new Set();
    const sweeper = (held: Set<string>) =>
      new HandoffSweeper({ desk, documents, channels, prompts, clock, logger: createLogger('silent'), holdsStream: (id) => held.has(id), abandonAfterSeconds: 120, intervalSeconds: 15 });
    here = sweeper(heldHere);
    there = sweeper(heldThere);
    await desk.heartbeat({ name: 'li', locales: ['zh-CN', 'en-US'], skills: ['general'] });
  });

  it('marks a queued web-chat customer with no socket and no message for the limit abandoned, and leaves the others', async () => {
    await desk.request(ticket('gone'));
    await desk.request(ticket('talking'));
    await desk.request(ticket('api-customer', { channel: 'http-json' }));
    clock.advance(100_000);
    await desk.addMessage('directline/talking', { at: clock.now().toISOString(), from: 'customer', text: '还要等多久' });
    expect(await here.sweep()).toEqual({ abandoned: [], timedOut: [] });

    clock.advance(21_000);
    expect(await here.sweep()).toEqual({ abandoned: ['directline/gone'], timedOut: [] });
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
    expect(await there.sweep()).toEqual({ abandoned: [], timedOut: [] });
  });

  it('times out waits over the limit and offers the customer a call-back on their channel', async () => {
    await desk.request(ticket('waiting'));
    await desk.request(ticket('urgent', { priority: 'urgent' }));
    heldHere.add('waiting');
    heldHere.add('urgent');
    clock.advance(31 * 60_000);
    expect(await here.sweep()).toEqual({ abandoned: [], timedOut: ['directline/waiting'] });
    expect(await desk.stateOf('directline/waiting')).toBe('timed_out');
    expect(await desk.stateOf('directline/urgent')).toBe('queued');
    expect(channels.delivered).toEqual([{ key: 'directline/waiting', message: { from: 'bot', text: prompts.text('zh-CN', 'agent.customer.timedOut'), speak: expect.any(String) } }]);
  });
});
