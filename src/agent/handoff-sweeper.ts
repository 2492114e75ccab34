import { z } from 'zod';
import { DIRECTLINE_CHANNEL } from '../channels/directline/directline-activities';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import { HandoffConflictError, HandoffNotFoundError, type HandoffDesk } from '../services/handoff/handoff-desk';
import { customerLeftAt, type HandoffRecord } from '../services/handoff/handoff-record';
import { EtagConflictError, type DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import { tellCustomer, type CustomerChannels } from './customer-channels';

/** What the sweeper needs. */
export interface HandoffSweeperDependencies {
  desk: HandoffDesk;
  documents: DocumentStore;
  channels: CustomerChannels;
  prompts: PromptCatalog;
  clock: Clock;
  logger: Logger;
  /** Whether this instance holds an open stream (WebSocket) of the Direct Line conversation. */
  holdsStream: (conversationId: string) => boolean;
  /** Whether an agent console of this agent is open on this instance (others' the desk counts). */
  holdsConsole: (agent: string) => boolean;
  /** A Direct Line customer (queued, or with an agent) with no open socket and no message for this long has left. */
  abandonAfterSeconds: number;
  /**
   * How long an agent who went away (closed the console, lost the connection) keeps their
   * conversations, so that a reload or a short outage costs nothing; then they go back to the queue.
   */
  agentGraceSeconds: number;
  /** A waiting customer who has heard nothing (and said nothing) for this long is told their place and wait again. */
  companySeconds: number;
  /** How often to sweep; well under abandonAfterSeconds, so a socket held elsewhere is seen in time. */
  intervalSeconds: number;
}

/** What one sweep did, by conversation key. */
export interface SweepResult {
  /** Queued customers who left, and conversations whose customer and agent both left: abandoned. */
  abandoned: string[];
  timedOut: string[];
  /** Customers found gone while an agent has them: shown in the agent's console. */
  customersLeft: string[];
  customersBack: string[];
  /** Back in the queue because their agent went away for longer than the grace period. */
  requeued: string[];
  /** Waiting customers told their place and expected wait again. */
  keptCompany: string[];
}

/**
 * When each watched Direct Line customer (queued, or with an agent) was last seen with an open
 * socket, by any instance: an instance only knows its own sockets, so each writes what it sees
 * and reads what the others saw.
 */
const SEEN_KEY = 'agent/customers-seen';
const seenSchema = z.object({ seen: z.record(z.string(), z.string()) });

/**
 * When each waiting customer was last kept company, by any instance: whichever instance records
 * it first (a conditional write) sends the message, so two sweeps never send it twice.
 */
const COMPANY_KEY = 'agent/company-sent';
const companySchema = z.object({ sent: z.record(z.string(), z.string()) });

/**
 * Keeps the desk honest:
 * - a queued customer who went away is marked abandoned instead of waiting for an agent who would
 *   find nobody (Direct Line: no open socket on any instance and no message for abandonAfterSeconds);
 * - a customer who goes away the same way while an agent has them is noted in the record (and
 *   un-noted when they come back), so the agent's console shows it and the agent closes it;
 * - a conversation whose agent has been away (neither online nor with a console open anywhere)
 *   for agentGraceSeconds goes back to the queue ahead of all but urgent cases, and the customer
 *   is told a colleague will take over; when the customer has left too, it is abandoned;
 * - a waiting customer who has heard nothing and said nothing for companySeconds is thanked for
 *   waiting and told their place and expected wait again;
 * - waits over the limit are timed out (the customer, where their channel can push, is offered a
 *   call-back instead).
 * Every instance sweeps; the desk's conditional writes make two sweeps of one conversation harmless.
 */
export class HandoffSweeper {
  private timer: NodeJS.Timeout | undefined;
  private running: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: HandoffSweeperDependencies) {}

  start(): void {
    this.timer = setInterval(() => {
      this.running = this.sweep().catch((error: unknown) => this.deps.logger.error({ err: error }, 'handoff sweep failed'));
    }, this.deps.intervalSeconds * 1000);
    this.timer.unref();
  }

  /** Stops sweeping and waits for a sweep under way. */
  async stop(): Promise<void> {
    clearInterval(this.timer);
    await this.running;
  }

  /** One sweep; returns what it changed. */
  async sweep(): Promise<SweepResult> {
    const now = this.deps.clock.now().getTime();
    const result: SweepResult = { abandoned: [], timedOut: [], customersLeft: [], customersBack: [], requeued: [], keptCompany: [] };
    const queued = (await this.deps.desk.queue()).filter((record) => record.state === 'queued' && record.channel === DIRECTLINE_CHANNEL);
    const assigned = await this.deps.desk.assigned();
    const watched = [...queued, ...assigned.filter((record) => record.channel === DIRECTLINE_CHANNEL)];
    const held = new Set(watched.filter((record) => this.deps.holdsStream(record.conversationId)).map((record) => record.key));
    const seen = await this.noteSeen(watched, held, new Date(now).toISOString());
    const gone = (record: HandoffRecord) => !held.has(record.key) && now - lastSignOf(record, seen) >= this.deps.abandonAfterSeconds * 1000;

    for (const record of queued) {
      if (!gone(record)) continue;
      if (await this.conflictFree(() => this.deps.desk.leave(record.key))) {
        result.abandoned.push(record.key);
        this.deps.logger.info({ key: record.key }, 'queued customer left: abandoned');
      }
    }

    // The customer's side of conversations agents have (Direct Line only: other channels have no socket to watch).
    const customerGone = new Set<string>();
    for (const record of assigned) {
      if (record.channel !== DIRECTLINE_CHANNEL) continue;
      const leftAt = customerLeftAt(record);
      if (gone(record)) {
        customerGone.add(record.key);
        if (leftAt !== undefined) continue;
        const since = new Date(lastSignOf(record, seen)).toISOString();
        if (await this.conflictFree(() => this.deps.desk.noteCustomerPresence(record.key, { event: 'left', since, note: 'no chat window open and no message' }))) {
          result.customersLeft.push(record.key);
          this.deps.logger.info({ key: record.key, agent: record.assignedAgent }, 'customer left while with an agent');
        }
      } else if (leftAt !== undefined) {
        if (await this.conflictFree(() => this.deps.desk.noteCustomerPresence(record.key, { event: 'back', note: 'chat window open again' }))) result.customersBack.push(record.key);
      }
    }

    // The agent's side: conversations whose agent has been away for longer than the grace period.
    const away = await this.deps.desk.awayAgents(assigned.flatMap((record) => (record.assignedAgent === undefined ? [] : [record.assignedAgent])));
    for (const record of assigned) {
      const agent = record.assignedAgent;
      if (agent === undefined || !away.has(agent) || this.deps.holdsConsole(agent)) continue;
      // Never less than the grace period after the claim, whenever the agent went away.
      const awaySince = Math.max(away.get(agent)?.getTime() ?? 0, Date.parse(claimedAt(record)));
      if (now - awaySince < this.deps.agentGraceSeconds * 1000) continue;
      const since = new Date(awaySince).toISOString();
      if (customerGone.has(record.key) || customerLeftAt(record) !== undefined) {
        if (await this.conflictFree(() => this.deps.desk.leave(record.key, `agent ${agent} away since ${since}, and the customer left`))) {
          result.abandoned.push(record.key);
          this.deps.logger.info({ key: record.key, agent }, 'agent and customer both left: abandoned');
        }
        continue;
      }
      const requeued = await this.conflictFree(() => this.deps.desk.requeueFromAbsentAgent(record.key, agent, `agent ${agent} away since ${since}`));
      if (requeued === undefined) continue;
      result.requeued.push(record.key);
      this.deps.logger.info({ key: record.key, agent }, 'agent went away: conversation back in the queue');
      await tellCustomer(this.deps, requeued, 'agentLeft');
    }

    const timedOut = await this.deps.desk.timeOutStale();
    const timedOutKeys = new Set(timedOut.map((record) => record.key));
    const waiting = queued.filter((record) => !result.abandoned.includes(record.key) && !timedOutKeys.has(record.key));
    result.keptCompany = await this.keepCompany(waiting, now);
    for (const record of timedOut) await this.offerCallBack(record);
    result.timedOut = timedOut.map((record) => record.key);
    return result;
  }

  /**
   * Runs one desk change that another instance (or the agent) may have made first; undefined
   * then. `false` results count as not done either.
   */
  private async conflictFree<T>(change: () => Promise<T>): Promise<T | undefined> {
    try {
      const done = await change();
      return done === false ? undefined : done;
    } catch (error) {
      // Claimed, closed, withdrawn or swept by another instance in the meantime.
      if (error instanceof HandoffConflictError || error instanceof HandoffNotFoundError) return undefined;
      throw error;
    }
  }

  /** Records the sockets this instance holds and forgets conversations no longer watched; returns every instance's sightings. */
  private async noteSeen(watched: readonly HandoffRecord[], held: ReadonlySet<string>, at: string): Promise<Record<string, string>> {
    const watchedKeys = new Set(watched.map((record) => record.key));
    for (let attempt = 1; ; attempt += 1) {
      const stored = (await this.deps.documents.read([SEEN_KEY])).get(SEEN_KEY);
      const before = stored === undefined ? {} : seenSchema.parse(stored.value).seen;
      const after: Record<string, string> = Object.fromEntries(Object.entries(before).filter(([key]) => watchedKeys.has(key)));
      for (const key of held) after[key] = at;
      if (JSON.stringify(after) === JSON.stringify(before)) return after;
      try {
        await this.deps.documents.write([{ key: SEEN_KEY, value: { seen: after }, expectedETag: stored?.eTag ?? '' }]);
        return after;
      } catch (error) {
        if (!(error instanceof EtagConflictError) || attempt >= 5) throw error;
      }
    }
  }

  /** Tells each waiting customer who has heard nothing for companySeconds their place and wait; returns their keys. */
  private async keepCompany(waiting: readonly HandoffRecord[], now: number): Promise<string[]> {
    const interval = this.deps.companySeconds * 1000;
    const stored = (await this.deps.documents.read([COMPANY_KEY])).get(COMPANY_KEY);
    const before = stored === undefined ? {} : companySchema.parse(stored.value).sent;
    const due = waiting.filter((record) => now - Math.max(lastExchangeOf(record), Date.parse(before[record.key] ?? '') || 0) >= interval);
    const waitingKeys = new Set(waiting.map((record) => record.key));
    const after: Record<string, string> = Object.fromEntries(Object.entries(before).filter(([key]) => waitingKeys.has(key)));
    for (const record of due) after[record.key] = new Date(now).toISOString();
    if (JSON.stringify(after) !== JSON.stringify(before)) {
      try {
        await this.deps.documents.write([{ key: COMPANY_KEY, value: { sent: after }, expectedETag: stored?.eTag ?? '' }]);
      } catch (error) {
        // Another instance's sweep got there first: it sends the messages.
        if (error instanceof EtagConflictError) return [];
        throw error;
      }
    }
    for (const record of due) {
      const { position, estimatedWaitMinutes } = await this.deps.desk.placeOf(record);
      await tellCustomer(this.deps, record, 'stillWaiting', { position: String(position), minutes: String(estimatedWaitMinutes) });
    }
    return due.map((record) => record.key);
  }

  private async offerCallBack(record: HandoffRecord): Promise<void> {
    const rendered = this.deps.prompts.render(record.locale, 'agent.customer.timedOut');
    try {
      await this.deps.channels.deliver(record, { from: 'bot', text: rendered.text, speak: rendered.speak });
    } catch (error) {
      this.deps.logger.error({ err: error, key: record.key }, 'could not tell a timed-out customer');
    }
  }
}

/** When the customer last heard from or wrote to the desk: the request, or the latest message either way. */
function lastExchangeOf(record: HandoffRecord): number {
  return Math.max(...[record.requestedAt, ...record.messages.map((line) => line.at)].map((at) => Date.parse(at)).filter((time) => !Number.isNaN(time)));
}

/** The last sign of the customer: their request, a socket seen open by any instance, or a message. */
function lastSignOf(record: HandoffRecord, seen: Readonly<Record<string, string>>): number {
  const customerMessages = record.messages.filter((line) => line.from === 'customer').map((line) => line.at);
  return Math.max(...[record.requestedAt, seen[record.key], ...customerMessages].map((at) => Date.parse(at ?? '')).filter((time) => !Number.isNaN(time)));
}

/** When the agent who has the conversation claimed it. */
function claimedAt(record: HandoffRecord): string {
  return record.history.filter((entry) => entry.event === 'claim').at(-1)?.at ?? record.updatedAt;
}
