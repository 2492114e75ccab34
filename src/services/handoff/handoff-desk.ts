import { z } from 'zod';
import type { Locale } from '../../domain/complaint';
import { EtagConflictError, type DocumentStore, type DocumentWrite } from '../../storage/store';
import type { Clock } from '../../util/clock';
import { customerLeftAt, handoffRecordSchema, type CustomerPresenceEntry, type HandoffPacket, type HandoffPriority, type HandoffRecord, type TranscriptLine } from './handoff-record';
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

/**
 * Who is at the desk. `agents`: online agents, as their consoles last said (heartbeats).
 * `consoles`: console sockets open on any instance, each refreshed by the instance holding it
 * (so a crashed instance's sockets stop counting after the presence timeout). `departed`: when
 * each agent last went away (signed off, or closed their last console), for the grace period
 * their conversations get.
 */
const presenceSchema = z.object({
  agents: z.array(agentProfileSchema.extend({ lastSeen: z.string() })),
  consoles: z.array(z.object({ agent: z.string(), id: z.string(), seenAt: z.string() })).default([]),
  departed: z.record(z.string(), z.string()).default({}),
});
type Presence = z.infer<typeof presenceSchema>;
const NO_PRESENCE: Presence = { agents: [], consoles: [], departed: {} };
const queueSchema = z.object({
  entries: z.array(
    z.object({
      key: z.string(),
      priority: z.enum(['normal', 'high', 'urgent']),
      vip: z.boolean(),
      locale: z.string(),
      skill: z.string(),
      /** When the customer first asked: their place among the waiting. */
      requestedAt: z.string(),
      /** When it last entered the queue (the request, a transfer): the wait limit counts from here. */
      queuedAt: z.string().optional(),
      targetAgent: z.string().optional(),
      /** Its agent went away mid-conversation: served before all but urgent cases. */
      interrupted: z.boolean().optional(),
    }),
  ),
});
type QueueEntry = z.infer<typeof queueSchema>['entries'][number];
/** The conversations agents hold now, so that the sweeper finds them without scanning records. */
const assignedSchema = z.object({ entries: z.array(z.object({ key: z.string(), agent: z.string() })) });

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
const ASSIGNED_KEY = 'handoff/assigned';
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
    const entry: QueueEntry = { key, priority: record.priority, vip: record.vip, locale: record.locale, skill: record.skill, requestedAt: now, queuedAt: now };
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

  /** The conversations agents hold now (any channel), with their records. */
  async assigned(): Promise<HandoffRecord[]> {
    const stored = (await this.documents.read([ASSIGNED_KEY])).get(ASSIGNED_KEY);
    const { entries } = stored === undefined ? { entries: [] } : assignedSchema.parse(stored.value);
    const records = await this.documents.read(entries.map((entry) => recordKey(entry.key)));
    return entries.flatMap((entry) => {
      const found = records.get(recordKey(entry.key));
      const record = found === undefined ? undefined : handoffRecordSchema.parse(found.value);
      return record?.state === 'assigned' ? [record] : [];
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
    return this.transition(key, 'claim', { by: agent, update: (record) => ({ ...record, assignedAgent: agent, targetAgent: undefined, interrupted: undefined }) });
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

  /** The customer went away while waiting, or while an agent had the conversation and the agent went away too. */
  async leave(key: string, note?: string): Promise<HandoffRecord> {
    return this.transition(key, 'leave', note === undefined ? {} : { note });
  }

  /**
   * The agent who had the conversation went away and did not come back in time: a transfer back
   * to the queue, where it is served first after urgent cases, by any agent of its language and
   * skill. Throws HandoffConflictError when `agent` no longer has it (another instance did this first).
   */
  async requeueFromAbsentAgent(key: string, agent: string, note: string): Promise<HandoffRecord> {
    return this.transition(key, 'transfer', {
      expectAgent: agent,
      note,
      update: (record) => ({ ...record, assignedAgent: undefined, targetAgent: undefined, interrupted: { agent, at: record.updatedAt } }),
    });
  }

  /**
   * The customer went away (`left`) or came back (`back`) while an agent has the conversation:
   * noted in the record, the state stays assigned (the agent closes it with an outcome), and
   * announced so that consoles show it. False when there was nothing to note.
   */
  async noteCustomerPresence(key: string, seen: Omit<CustomerPresenceEntry, 'at'>): Promise<boolean> {
    let noted = false;
    const record = await this.update(key, (current) => {
      noted = current.state === 'assigned' && (customerLeftAt(current) !== undefined) !== (seen.event === 'left');
      return noted ? withCustomerPresence(current, { at: this.clock.now().toISOString(), ...seen }) : current;
    });
    if (noted) await this.publish({ kind: 'changed', key, state: record.state });
    return noted;
  }

  /** Queued conversations that waited longer than the limit (urgent ones excepted) are timed out; returns them. */
  async timeOutStale(): Promise<HandoffRecord[]> {
    const limit = this.clock.now().getTime() - this.options.maxWaitMinutes * 60_000 * 2;
    const stale = (await this.readQueue()).entries.filter((entry) => entry.priority !== 'urgent' && Date.parse(entry.queuedAt ?? entry.requestedAt) < limit);
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

  /**
   * Adds a message to the conversation's handoff record and tells consoles and channels. A
   * message from a customer noted as gone means they are back.
   */
  async addMessage(key: string, line: TranscriptLine): Promise<void> {
    let back = false;
    const record = await this.update(key, (current) => {
      back = line.from === 'customer' && current.state === 'assigned' && customerLeftAt(current) !== undefined;
      const changed = { ...current, messages: [...current.messages, line].slice(-MAX_MESSAGES) };
      return back ? withCustomerPresence(changed, { at: line.at, event: 'back', note: 'wrote a message' }) : changed;
    });
    await this.publish({ kind: 'message', key, line });
    if (back) await this.publish({ kind: 'changed', key, state: record.state });
  }

  /**
   * An agent console says it is open; agents are online while they keep saying so. A console that
   * names its live socket (`consoleId`, from the socket's hello) is believed only while that socket
   * is counted open: a heartbeat still in flight when the agent's last tab closed must not bring
   * them back online for another presence timeout. Returns whether the heartbeat counted.
   */
  async heartbeat(agent: AgentProfile, consoleId?: string): Promise<boolean> {
    const now = this.clock.now().toISOString();
    const result = await this.decidePresence((presence) => {
      if (consoleId !== undefined && !presence.consoles.some((known) => known.id === consoleId && known.agent === agent.name)) return { value: presence, result: false };
      return { value: { ...presence, agents: [...presence.agents.filter((known) => known.name !== agent.name), { ...agent, lastSeen: now }] }, result: true };
    });
    return result ?? false;
  }

  /** The agent goes offline at once (the console's "go offline", signing out). */
  async signOff(name: string): Promise<void> {
    const now = this.clock.now().toISOString();
    await this.changePresence((presence) => ({ ...presence, agents: presence.agents.filter((known) => known.name !== name), departed: { ...presence.departed, [name]: now } }));
  }

  /** A console's live socket opened, on any instance; `id` is the socket's own. */
  async consoleOpened(agent: string, id: string): Promise<void> {
    const seenAt = this.clock.now().toISOString();
    await this.changePresence((presence) => ({ ...presence, consoles: [...presence.consoles.filter((known) => known.id !== id), { agent, id, seenAt }] }));
  }

  /** The instance holding these consoles' sockets says they are still open (well within the presence timeout). */
  async consolesAlive(ids: readonly string[]): Promise<void> {
    const seenAt = this.clock.now().toISOString();
    const alive = new Set(ids);
    await this.changePresence((presence) => ({ ...presence, consoles: presence.consoles.map((known) => (alive.has(known.id) ? { ...known, seenAt } : known)) }));
  }

  /**
   * A console's socket closed. When it was the agent's last console open on any instance (the
   * check and the change are one conditional write, so two instances closing the last two at once
   * agree), the agent goes offline at once instead of after the presence timeout. Returns whether
   * an online agent went offline.
   */
  async consoleClosed(agent: string, id: string): Promise<boolean> {
    const now = this.clock.now();
    const since = now.getTime() - this.options.presenceTimeoutSeconds * 1000;
    const result = await this.decidePresence((presence) => {
      const consoles = presence.consoles.filter((known) => known.id !== id);
      if (consoles.some((known) => known.agent === agent)) return { value: { ...presence, consoles }, result: false };
      const wasOnline = presence.agents.some((known) => known.name === agent && Date.parse(known.lastSeen) >= since);
      return {
        value: { agents: presence.agents.filter((known) => known.name !== agent), consoles, departed: { ...presence.departed, [agent]: now.toISOString() } },
        result: wasOnline,
      };
    });
    return result ?? false;
  }

  /**
   * This instance is shutting down: its consoles stop counting, without taking their agents
   * offline (their pages reconnect elsewhere); the grace period of their conversations counts from now.
   */
  async forgetConsoles(ids: readonly string[]): Promise<void> {
    const now = this.clock.now().toISOString();
    const gone = new Set(ids);
    await this.changePresence((presence) => {
      const consoles = presence.consoles.filter((known) => !gone.has(known.id));
      const departed = { ...presence.departed };
      for (const known of presence.consoles) if (gone.has(known.id) && !consoles.some((other) => other.agent === known.agent)) departed[known.agent] = now;
      return { ...presence, consoles, departed };
    });
  }

  /** How many consoles of the agent are open on any instance (an instance that stopped stops counting after the presence timeout). */
  async consolesOpen(agent: string): Promise<number> {
    const since = this.clock.now().getTime() - this.options.presenceTimeoutSeconds * 1000;
    return (await this.readPresence()).consoles.filter((known) => known.agent === agent && Date.parse(known.seenAt) >= since).length;
  }

  async onlineAgents(): Promise<AgentProfile[]> {
    const presence = await this.readPresence();
    const since = this.clock.now().getTime() - this.options.presenceTimeoutSeconds * 1000;
    return presence.agents.filter((agent) => Date.parse(agent.lastSeen) >= since).map(({ lastSeen: _lastSeen, ...agent }) => agent);
  }

  /**
   * Of these agents, those who are away: neither online nor with a console open on any instance.
   * Each maps to the time since which they have been away, or undefined when the desk never saw them.
   */
  async awayAgents(names: readonly string[]): Promise<Map<string, Date | undefined>> {
    const presence = await this.readPresence();
    const timeoutMs = this.options.presenceTimeoutSeconds * 1000;
    const since = this.clock.now().getTime() - timeoutMs;
    const wentQuiet = (lastHeard: string | undefined) => Date.parse(lastHeard ?? '') + timeoutMs;
    const away = new Map<string, Date | undefined>();
    for (const name of new Set(names)) {
      const entry = presence.agents.find((known) => known.name === name);
      const consoles = presence.consoles.filter((known) => known.agent === name);
      if ((entry && Date.parse(entry.lastSeen) >= since) || consoles.some((known) => Date.parse(known.seenAt) >= since)) continue;
      // Away since they signed off or closed their last console, or since their heartbeats or sockets went quiet.
      const times = [Date.parse(presence.departed[name] ?? ''), wentQuiet(entry?.lastSeen), ...consoles.map((known) => wentQuiet(known.seenAt))].filter((time) => !Number.isNaN(time));
      away.set(name, times.length === 0 ? undefined : new Date(Math.max(...times)));
    }
    return away;
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

  private async readPresence(): Promise<Presence> {
    const stored = (await this.documents.read([PRESENCE_KEY])).get(PRESENCE_KEY);
    return stored === undefined ? NO_PRESENCE : presenceSchema.parse(stored.value);
  }

  /** Read-modify-write of the presence document, dropping consoles that went quiet on the way. */
  private async changePresence(change: (presence: Presence) => Presence): Promise<void> {
    await this.decidePresence((presence) => ({ value: change(presence), result: undefined }));
  }

  /** The same, for a change that also decides something (returned; undefined only if nothing was read). */
  private decidePresence<T>(change: (presence: Presence) => { value: Presence; result: T }): Promise<T | undefined> {
    return this.withDocument(PRESENCE_KEY, presenceSchema, NO_PRESENCE, (stored) => change(this.pruned(stored)));
  }

  /**
   * Consoles not refreshed within the presence timeout were held by an instance that stopped: they
   * are dropped, and an agent left without consoles is noted as departed when they went quiet.
   */
  private pruned(presence: Presence): Presence {
    const timeoutMs = this.options.presenceTimeoutSeconds * 1000;
    const since = this.clock.now().getTime() - timeoutMs;
    const stale = presence.consoles.filter((known) => Date.parse(known.seenAt) < since);
    if (stale.length === 0) return presence;
    const consoles = presence.consoles.filter((known) => Date.parse(known.seenAt) >= since);
    const departed = { ...presence.departed };
    for (const known of stale) {
      if (consoles.some((other) => other.agent === known.agent)) continue;
      const quietAt = new Date(Date.parse(known.seenAt) + timeoutMs).toISOString();
      if ((departed[known.agent] ?? '') < quietAt) departed[known.agent] = quietAt;
    }
    return { ...presence, consoles, departed };
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
      const stored = await this.documents.read([recordKey(key), QUEUE_KEY, ASSIGNED_KEY]);
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
        ? sortQueue([
            ...others,
            {
              key,
              priority: changed.priority,
              vip: changed.vip,
              locale: changed.locale,
              skill: changed.skill,
              requestedAt: changed.requestedAt,
              queuedAt: now,
              ...(changed.targetAgent ? { targetAgent: changed.targetAgent } : {}),
              ...(changed.interrupted ? { interrupted: true } : {}),
            },
          ])
        : others;
      const writes: DocumentWrite[] = [
        { key: recordKey(key), value: withoutUndefined(changed), expectedETag: recordDoc.eTag },
        { key: QUEUE_KEY, value: { entries }, expectedETag: queueDoc?.eTag ?? '' },
      ];
      // The index of held conversations changes only when a conversation is claimed or let go.
      if (record.state === 'assigned' || state === 'assigned') {
        const assignedDoc = stored.get(ASSIGNED_KEY);
        const held = (assignedDoc === undefined ? { entries: [] } : assignedSchema.parse(assignedDoc.value)).entries.filter((entry) => entry.key !== key);
        const heldNow = state === 'assigned' && changed.assignedAgent !== undefined ? [...held, { key, agent: changed.assignedAgent }] : held;
        writes.push({ key: ASSIGNED_KEY, value: { entries: heldNow }, expectedETag: assignedDoc?.eTag ?? '' });
      }
      try {
        await this.documents.write(writes);
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
      // Nothing changed: nothing to write.
      if (value === current && stored !== undefined) return result;
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

/**
 * Urgent first (safety comes first); then conversations whose agent went away mid-way (the
 * customer was already being served); then high, then normal; VIP first within a priority; then
 * who asked first.
 */
function sortQueue(entries: QueueEntry[]): QueueEntry[] {
  const rank = (entry: QueueEntry) => (entry.priority === 'urgent' ? 0 : entry.interrupted ? 1 : 1 + PRIORITY_RANK[entry.priority]);
  return [...entries].sort(
    (a, b) =>
      rank(a) - rank(b) ||
      PRIORITY_RANK[a.priority] - PRIORITY_RANK[b.priority] ||
      Number(b.interrupted ?? false) - Number(a.interrupted ?? false) ||
      Number(b.vip) - Number(a.vip) ||
      a.requestedAt.localeCompare(b.requestedAt) ||
      a.key.localeCompare(b.key),
  );
}

function withCustomerPresence(record: HandoffRecord, entry: CustomerPresenceEntry): HandoffRecord {
  return { ...record, customerPresence: [...(record.customerPresence ?? []), entry] };
}

/** Optional fields set to undefined are dropped, so stored JSON parses back to the same record. */
function withoutUndefined<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
