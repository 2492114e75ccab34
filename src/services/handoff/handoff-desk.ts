import { z } from 'zod';
import type { Locale } from '../../domain/complaint';
import { EtagConflictError, type DocumentStore, type DocumentWrite } from '../../storage/store';
import type { Clock } from '../../util/clock';
import { handoffRecordSchema, type HandoffPacket, type HandoffPriority, type HandoffRecord, type TranscriptLine } from './handoff-record';
import { applyHandoffEvent, InvalidHandoffTransitionError, type HandoffEvent, type HandoffState } from './handoff-state';

/** How the desk decides whether a customer should wait for a person at all. */
export const handoffDeskOptionsSchema = z.object({
  /** Opening hours of the agents in `timeZone`, e.g. 09:00-21:00; undefined means around the clock. */
  hours: z.object({ open: z.string().regex(/^\d\d:\d\d$/), close: z.string().regex(/^\d\d:\d\d$/) }).optional(),
  timeZone: z.string(),
  /** Longer expected waits are not offered: the customer gets a call-back or a ticket instead. */
  maxWaitMinutes: z.number().int().min(1),
  /** Average minutes an agent spends on one conversation, for the expected wait. */
  averageHandleMinutes: z.number().min(0.5),
  /** An agent whose console has not been heard from for this long is offline. */
  presenceTimeoutSeconds: z.number().int().min(10),
});
export type HandoffDeskOptions = z.infer<typeof handoffDeskOptionsSchema>;

/** Who asks for a person, why, and everything the agent will need. */
export interface HandoffTicket {
  channel: string;
  conversationId: string;
  userId: string;
  locale: Locale;
  priority: HandoffPriority;
  vip: boolean;
  skill: string;
  reasons: string[];
  packet: HandoffPacket;
}

export type HandoffRequestResult =
  | { kind: 'queued'; position: number; estimatedWaitMinutes: number; record: HandoffRecord }
  | { kind: 'assigned'; record: HandoffRecord }
  | { kind: 'unavailable'; why: 'no_agents' | 'after_hours' | 'wait_too_long' };

/** An agent as the desk routes to them: languages and skills (complaint categories, or `general`). */
export const agentProfileSchema = z.object({
  name: z.string().min(1).max(100),
  locales: z.array(z.string()).min(1),
  skills: z.array(z.string()),
});
export type AgentProfile = z.infer<typeof agentProfileSchema>;

const presenceSchema = z.object({ agents: z.array(agentProfileSchema.extend({ lastSeen: z.string() })) });
const queueSchema = z.object({
  entries: z.array(z.object({ key: z.string(), priority: z.enum(['normal', 'high', 'urgent']), vip: z.boolean(), locale: z.string(), skill: z.string(), requestedAt: z.string(), targetAgent: z.string().optional() })),
});
type QueueEntry = z.infer<typeof queueSchema>['entries'][number];

/** Something that changed at the desk, for agent consoles and customer channels on every instance. */
export type HandoffDeskEvent =
  | { kind: 'changed'; key: string; state: HandoffState }
  | { kind: 'message'; key: string; line: TranscriptLine };

/** Thrown when an agent acts on a conversation in the wrong state, e.g. claims one another agent won. */
export class HandoffConflictError extends Error {
  constructor(readonly key: string, readonly state: HandoffState, action: string) {
    super(`HandoffDesk.${action}: conversation ${key} is ${state}`);
    this.name = 'HandoffConflictError';
  }
}

export class HandoffNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`HandoffDesk: no handoff for conversation ${key}`);
    this.name = 'HandoffNotFoundError';
  }
}

const QUEUE_KEY = 'handoff/queue';
const PRESENCE_KEY = 'handoff/agents';
const recordKey = (key: string) => `handoff/c/${key}`;
const PRIORITY_RANK: Record<HandoffPriority, number> = { urgent: 0, high: 1, normal: 2 };
/** Optimistic writes retry this often before giving up (only under heavy contention on one key). */
const MAX_ATTEMPTS = 8;
const MAX_MESSAGES = 500;

/**
 * The human agents' desk: the queue, who is online, claims, transfers, returns to the bot and
 * closing, all in the shared DocumentStore with optimistic concurrency, so that any number of
 * Hearline instances agree (two agents claiming at once: exactly one write succeeds).
 * Every state change goes through the transition table in handoff-state.ts.
 */
export class HandoffDesk {
  private readonly options: HandoffDeskOptions;

  constructor(
    private readonly documents: DocumentStore,
    private readonly clock: Clock,
    options: HandoffDeskOptions,
    private readonly publish: (event: HandoffDeskEvent) => Promise<void> = async () => {},
  ) {
    this.options = handoffDeskOptionsSchema.parse(options);
  }

  /** Puts the conversation in the queue, unless nobody can take it soon enough. */
  async request(ticket: HandoffTicket): Promise<HandoffRequestResult> {
    const key = `${ticket.channel}/${ticket.conversationId}`;
    const existing = await this.get(key);
    if (existing?.state === 'assigned') return { kind: 'assigned', record: existing };
    if (existing?.state === 'queued') {
      const { position, estimatedWaitMinutes } = await this.placeOf(existing);
      return { kind: 'queued', position, estimatedWaitMinutes, record: existing };
    }
    const agents = (await this.onlineAgents()).filter((agent) => agent.locales.includes(ticket.locale));
    if (!this.isOpen()) return { kind: 'unavailable', why: 'after_hours' };
    if (agents.length === 0) return { kind: 'unavailable', why: 'no_agents' };

    const now = this.clock.now().toISOString();
    const record: HandoffRecord = {
      key,
      channel: ticket.channel,
      conversationId: ticket.conversationId,
      userId: ticket.userId,
      locale: ticket.locale,
      state: applyHandoffEvent(existing?.state ?? 'bot', 'request'),
      priority: ticket.priority,
      vip: ticket.vip,
      skill: ticket.skill,
      reasons: ticket.reasons,
      requestedAt: now,
      updatedAt: now,
      history: [...(existing?.history ?? []), { event: 'request', at: now }],
      packet: ticket.packet,
      messages: [],
    };
    const entry: QueueEntry = { key, priority: record.priority, vip: record.vip, locale: record.locale, skill: record.skill, requestedAt: now };
    const position = await this.withQueue(async (queue) => {
      const entries = sortQueue([...queue.entries.filter((queued) => queued.key !== key), entry]);
      return { entries, result: positionIn(entries, key, record.locale), writes: [{ key: recordKey(key), value: record }] };
    });
    const estimatedWaitMinutes = this.estimate(position, agents.length);
    // Urgent cases wait whatever the estimate: someone must look at a safety case.
    if (estimatedWaitMinutes > this.options.maxWaitMinutes && record.priority !== 'urgent') {
      await this.transition(key, 'withdraw', { note: 'wait_too_long' });
      return { kind: 'unavailable', why: 'wait_too_long' };
    }
    await this.publish({ kind: 'changed', key, state: record.state });
    return { kind: 'queued', position, estimatedWaitMinutes, record };
  }

  async get(key: string): Promise<HandoffRecord | undefined> {
    const stored = (await this.documents.read([recordKey(key)])).get(recordKey(key));
    return stored === undefined ? undefined : handoffRecordSchema.parse(stored.value);
  }

  /** The state of a conversation; `bot` when it never asked for a person. */
  async stateOf(key: string): Promise<HandoffState> {
    return (await this.get(key))?.state ?? 'bot';
  }

  /** The waiting conversations, first to be served first, with their records. */
  async queue(): Promise<HandoffRecord[]> {
    const { entries } = await this.readQueue();
    const records = await this.documents.read(entries.map((entry) => recordKey(entry.key)));
    return entries.flatMap((entry) => {
      const stored = records.get(recordKey(entry.key));
      return stored === undefined ? [] : [handoffRecordSchema.parse(stored.value)];
    });
  }

  /**
   * What one agent may take, in serving order: their languages; their skills (or `general`,
   * or urgent cases, which any agent may take); transfers addressed to them or to nobody.
   */
  async queueFor(agent: AgentProfile): Promise<HandoffRecord[]> {
    return (await this.queue()).filter(
      (record) =>
        agent.locales.includes(record.locale) &&
        (record.targetAgent === undefined || record.targetAgent === agent.name) &&
        (record.priority === 'urgent' || record.skill === 'general' || agent.skills.includes(record.skill) || record.targetAgent === agent.name),
    );
  }

  /** The agent takes the conversation. Of two agents claiming at once, exactly one wins; the other gets HandoffConflictError. */
  async claim(key: string, agent: string): Promise<HandoffRecord> {
    return this.transition(key, 'claim', { by: agent, update: (record) => ({ ...record, assignedAgent: agent, targetAgent: undefined }) });
  }

  /** Back to the queue for another agent or skill; the customer keeps their place. */
  async transfer(key: string, agent: string, to: { agent?: string; skill?: string }): Promise<HandoffRecord> {
    return this.transition(key, 'transfer', {
      by: agent,
      expectAgent: agent,
      note: to.agent ? `to agent ${to.agent}` : to.skill ? `to skill ${to.skill}` : undefined,
      update: (record) => ({ ...record, assignedAgent: undefined, targetAgent: to.agent, skill: to.skill ?? record.skill }),
    });
  }

  async returnToBot(key: string, agent: string): Promise<HandoffRecord> {
    return this.transition(key, 'return_to_bot', { by: agent, expectAgent: agent });
  }

  async resolve(key: string, agent: string, outcome: string): Promise<HandoffRecord> {
    return this.transition(key, 'resolve', { by: agent, expectAgent: agent, note: outcome, update: (record) => ({ ...record, outcome }) });
  }

  /** The customer took the call-back or ticket instead of waiting. */
  async withdraw(key: string): Promise<HandoffRecord> {
    return this.transition(key, 'withdraw', {});
  }

  /** The customer went away while waiting or talking to an agent. */
  async leave(key: string): Promise<HandoffRecord> {
    return this.transition(key, 'leave', {});
  }

  /** Queued conversations that waited longer than the limit (urgent ones excepted) are timed out; returns them. */
  async timeOutStale(): Promise<HandoffRecord[]> {
    const limit = this.clock.now().getTime() - this.options.maxWaitMinutes * 60_000 * 2;
    const stale = (await this.readQueue()).entries.filter((entry) => entry.priority !== 'urgent' && Date.parse(entry.requestedAt) < limit);
    const timedOut: HandoffRecord[] = [];
    for (const entry of stale) {
      try {
        timedOut.push(await this.transition(entry.key, 'time_out', {}));
      } catch (error) {
        if (!(error instanceof HandoffConflictError)) throw error;
      }
    }
    return timedOut;
  }

  /** Adds a message to the conversation's handoff record and tells consoles and channels. */
  async addMessage(key: string, line: TranscriptLine): Promise<void> {
    await this.update(key, (record) => ({ ...record, messages: [...record.messages, line].slice(-MAX_MESSAGES) }));
    await this.publish({ kind: 'message', key, line });
  }

  /** An agent console says it is open; agents are online while they keep saying so. */
  async heartbeat(agent: AgentProfile): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.withDocument(PRESENCE_KEY, presenceSchema, { agents: [] }, (presence) => ({
      value: { agents: [...presence.agents.filter((known) => known.name !== agent.name), { ...agent, lastSeen: now }] },
      result: undefined,
    }));
  }

  async signOff(name: string): Promise<void> {
    await this.withDocument(PRESENCE_KEY, presenceSchema, { agents: [] }, (presence) => ({
      value: { agents: presence.agents.filter((known) => known.name !== name) },
      result: undefined,
    }));
  }

  async onlineAgents(): Promise<AgentProfile[]> {
    const stored = (await this.documents.read([PRESENCE_KEY])).get(PRESENCE_KEY);
    const presence = stored === undefined ? { agents: [] } : presenceSchema.parse(stored.value);
    const since = this.clock.now().getTime() - this.options.presenceTimeoutSeconds * 1000;
    return presence.agents.filter((agent) => Date.parse(agent.lastSeen) >= since).map(({ lastSeen: _lastSeen, ...agent }) => agent);
  }

  /** Place in the queue (1 = next) and the expected wait, for telling the customer. */
  async placeOf(record: HandoffRecord): Promise<{ position: number; estimatedWaitMinutes: number }> {
    const { entries } = await this.readQueue();
    const position = positionIn(entries, record.key, record.locale);
    const agents = (await this.onlineAgents()).filter((agent) => agent.locales.includes(record.locale)).length;
    return { position, estimatedWaitMinutes: this.estimate(position, agents) };
  }

  private estimate(position: number, agents: number): number {
    return Math.max(1, Math.ceil((position * this.options.averageHandleMinutes) / Math.max(1, agents)));
  }

  private isOpen(): boolean {
    const hours = this.options.hours;
    if (!hours) return true;
    const parts = new Intl.DateTimeFormat('en-GB', { timeZone: this.options.timeZone, hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(this.clock.now());
    return hours.open <= hours.close ? parts >= hours.open && parts < hours.close : parts >= hours.open || parts < hours.close;
  }

  /**
   * Applies one event through the transition table and keeps the queue in step, in one atomic
   * write of the record and the queue, both conditional on the versions read.
   */
  private async transition(
    key: string,
    event: HandoffEvent,
    options: { by?: string; note?: string; expectAgent?: string; update?: (record: HandoffRecord) => HandoffRecord },
  ): Promise<HandoffRecord> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = await this.documents.read([recordKey(key), QUEUE_KEY]);
      const recordDoc = stored.get(recordKey(key));
      if (recordDoc === undefined) throw new HandoffNotFoundError(key);
      const record = handoffRecordSchema.parse(recordDoc.value);
      if (options.expectAgent !== undefined && record.assignedAgent !== options.expectAgent) throw new HandoffConflictError(key, record.state, event);
      let state: HandoffState;
      try {
        state = applyHandoffEvent(record.state, event);
      } catch (error) {
        if (error instanceof InvalidHandoffTransitionError) throw new HandoffConflictError(key, record.state, event);
        throw error;
      }
      const now = this.clock.now().toISOString();
      const changed = (options.update ?? ((same) => same))({
        ...record,
        state,
        updatedAt: now,
        history: [...record.history, { event, at: now, ...(options.by ? { by: options.by } : {}), ...(options.note ? { note: options.note } : {}) }],
      });
      const queueDoc = stored.get(QUEUE_KEY);
      const queue = queueDoc === undefined ? { entries: [] } : queueSchema.parse(queueDoc.value);
      const others = queue.entries.filter((entry) => entry.key !== key);
      const entries = state === 'queued'
        ? sortQueue([...others, { key, priority: changed.priority, vip: changed.vip, locale: changed.locale, skill: changed.skill, requestedAt: changed.requestedAt, ...(changed.targetAgent ? { targetAgent: changed.targetAgent } : {}) }])
        : others;
      try {
        await this.documents.write([
          { key: recordKey(key), value: withoutUndefined(changed), expectedETag: recordDoc.eTag },
          { key: QUEUE_KEY, value: { entries }, expectedETag: queueDoc?.eTag ?? '' },
        ]);
        await this.publish({ kind: 'changed', key, state });
        return changed;
      } catch (error) {
        if (!(error instanceof EtagConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  private async update(key: string, change: (record: HandoffRecord) => HandoffRecord): Promise<HandoffRecord> {
    const result = await this.withDocument(recordKey(key), handoffRecordSchema, undefined, (record) => {
      const changed = change(record);
      return { value: changed, result: changed };
    });
    if (result === undefined) throw new HandoffNotFoundError(key);
    return result;
  }

  private async readQueue(): Promise<z.infer<typeof queueSchema>> {
    const stored = (await this.documents.read([QUEUE_KEY])).get(QUEUE_KEY);
    return stored === undefined ? { entries: [] } : queueSchema.parse(stored.value);
  }

  /** Read-modify-write of the queue together with other documents, retried on a conflict. */
  private async withQueue<T>(change: (queue: z.infer<typeof queueSchema>) => Promise<{ entries: QueueEntry[]; result: T; writes: DocumentWrite[] }>): Promise<T> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = (await this.documents.read([QUEUE_KEY])).get(QUEUE_KEY);
      const queue = stored === undefined ? { entries: [] } : queueSchema.parse(stored.value);
      const { entries, result, writes } = await change(queue);
      try {
        await this.documents.write([...writes, { key: QUEUE_KEY, value: { entries }, expectedETag: stored?.eTag ?? '' }]);
        return result;
      } catch (error) {
        if (!(error instanceof EtagConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }

  /** Read-modify-write of one document, retried on a conflict; undefined when it does not exist and no default is given. */
  private async withDocument<V, T>(
    key: string,
    schema: z.ZodType<V>,
    fallback: V | undefined,
    change: (value: V) => { value: V; result: T },
  ): Promise<T | undefined> {
    for (let attempt = 1; ; attempt += 1) {
      const stored = (await this.documents.read([key])).get(key);
      const current = stored === undefined ? fallback : schema.parse(stored.value);
      if (current === undefined) return undefined;
      const { value, result } = change(current);
      try {
        await this.documents.write([{ key, value: withoutUndefined(value), expectedETag: stored?.eTag ?? '' }]);
        return result;
      } catch (error) {
        if (!(error instanceof EtagConflictError) || attempt >= MAX_ATTEMPTS) throw error;
      }
    }
  }
}

/** Place among the customers of the same language (agents are routed by language), 1 = next. */
function positionIn(entries: readonly QueueEntry[], key: string, locale: string): number {
  return Math.max(1, entries.filter((entry) => entry.locale === locale).findIndex((entry) => entry.key === key) + 1);
}

/** Urgent first, then high, then normal; VIP first within a priority; then who asked first. */
function sortQueue(entries: QueueEntry[]): QueueEntry[] {
  return [...entries].sort(
    (a, b) => PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] || Number(b.vip) - Number(a.vip) || a.requestedAt.localeCompare(b.requestedAt) || a.key.localeCompare(b.key),
  );
}

/** Optional fields set to undefined are dropped, so stored JSON parses back to the same record. */
function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
