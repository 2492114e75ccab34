import { z } from 'zod';
import { DIRECTLINE_CHANNEL } from '../channels/directline/directline-activities';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import { HandoffConflictError, HandoffNotFoundError, type HandoffDesk } from '../services/handoff/handoff-desk';
import type { HandoffRecord } from '../services/handoff/handoff-record';
import { EtagConflictError, type DocumentStore } from '../storage/store';
import type { Clock } from '../util/clock';
import type { CustomerChannels } from './customer-channels';

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
  /** A queued Direct Line customer with no open socket and no message for this long has left. */
  abandonAfterSeconds: number;
  /** How often to sweep; well under abandonAfterSeconds, so a socket held elsewhere is seen in time. */
  intervalSeconds: number;
}

/**
 * When each queued Direct Line customer was last seen with an open socket, by any instance: an
 * instance only knows its own sockets, so each writes what it sees and reads what the others saw.
 */
const SEEN_KEY = 'agent/customers-seen';
const seenSchema = z.object({ seen: z.record(z.string(), z.string()) });

/**
 * Keeps the queue honest: a queued customer who went away is marked abandoned instead of
 * waiting for an agent who would find nobody (Direct Line: no open socket on any instance and no
 * message for abandonAfterSeconds), and waits over the limit are timed out (the customer, where
 * their channel can push, is offered a call-back instead). Every instance sweeps; the desk's
 * conditional writes make two sweeps of one conversation harmless.
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

  /** One sweep; returns the keys marked abandoned and timed out. */
  async sweep(): Promise<{ abandoned: string[]; timedOut: string[] }> {
    const now = this.deps.clock.now().getTime();
    const queued = (await this.deps.desk.queue()).filter((record) => record.state === 'queued' && record.channel === DIRECTLINE_CHANNEL);
    const held = new Set(queued.filter((record) => this.deps.holdsStream(record.conversationId)).map((record) => record.key));
    const seen = await this.noteSeen(queued, held, new Date(now).toISOString());
    const abandoned: string[] = [];
    for (const record of queued) {
      if (held.has(record.key)) continue;
      const lastSign = Math.max(...[record.requestedAt, seen[record.key], ...customerMessageTimes(record)].map((at) => Date.parse(at ?? '')).filter((time) => !Number.isNaN(time)));
      if (now - lastSign < this.deps.abandonAfterSeconds * 1000) continue;
      try {
        await this.deps.desk.leave(record.key);
        abandoned.push(record.key);
        this.deps.logger.info({ key: record.key }, 'queued customer left: abandoned');
      } catch (error) {
        // Claimed, withdrawn or swept by another instance in the meantime.
        if (!(error instanceof HandoffConflictError) && !(error instanceof HandoffNotFoundError)) throw error;
      }
    }
    const timedOut = await this.deps.desk.timeOutStale();
    for (const record of timedOut) await this.offerCallBack(record);
    return { abandoned, timedOut: timedOut.map((record) => record.key) };
  }

  /** Records the sockets this instance holds and forgets conversations no longer queued; returns every instance's sightings. */
  private async noteSeen(queued: readonly HandoffRecord[], held: ReadonlySet<string>, at: string): Promise<Record<string, string>> {
    const queuedKeys = new Set(queued.map((record) => record.key));
    for (let attempt = 1; ; attempt += 1) {
      const stored = (await this.deps.documents.read([SEEN_KEY])).get(SEEN_KEY);
      const before = stored === undefined ? {} : seenSchema.parse(stored.value).seen;
      const after: Record<string, string> = Object.fromEntries(Object.entries(before).filter(([key]) => queuedKeys.has(key)));
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

  private async offerCallBack(record: HandoffRecord): Promise<void> {
    const rendered = this.deps.prompts.render(record.locale, 'agent.customer.timedOut');
    try {
      await this.deps.channels.deliver(record, { from: 'bot', text: rendered.text, speak: rendered.speak });
    } catch (error) {
      this.deps.logger.error({ err: error, key: record.key }, 'could not tell a timed-out customer');
    }
  }
}

function customerMessageTimes(record: HandoffRecord): string[] {
  return record.messages.filter((line) => line.from === 'customer').map((line) => line.at);
}
