import type { Locale } from '../../domain/complaint';
import type { HandoffDesk } from './handoff-desk';
import type { HandoffPacket, HandoffPriority } from './handoff-record';
import type { HandoffState } from './handoff-state';

/** Who asks for a person, why, and what the agent should see first. */
export interface HandoffRequest {
  conversationId: string;
  userId: string;
  channel: string;
  locale: Locale;
  /** Machine-readable reasons, e.g. `explicit-request`, `strong_emotion`, `knowledge-not-helpful`. */
  reasons: string[];
  /** Urgent cases (safety, threats to go outside) jump the queue. Default normal. */
  priority?: HandoffPriority;
  /** The skill wanted: the complaint category when known, else `general`. */
  skill?: string;
  vip?: boolean;
  /** The story so far, so the customer never repeats it. */
  packet: HandoffPacket;
}

/** Why nobody can take the conversation now; the bot offers a call-back or a ticket instead. */
export type UnavailableReason = 'no_agents' | 'after_hours' | 'wait_too_long';

/** What became of a request for a person. */
export type HandoffOutcome =
  | { kind: 'queued'; position: number; estimatedWaitMinutes: number }
  | { kind: 'assigned' }
  | { kind: 'unavailable'; why: UnavailableReason };

/** Where a conversation stands with the human desk. */
export interface HandoffStatus {
  state: HandoffState;
  /** While queued: place (1 = next) and expected wait. */
  position?: number;
  estimatedWaitMinutes?: number;
}

/** Hands conversations to human agents. Dialogs and the bot core receive it; the desk implements it. */
export interface HandoffService {
  requestHuman(request: HandoffRequest): Promise<HandoffOutcome>;
  status(channel: string, conversationId: string): Promise<HandoffStatus>;
  /** A customer message while queued or with an agent: kept for the agent and shown live. */
  customerMessage(channel: string, conversationId: string, text: string): Promise<void>;
  /** The customer stopped waiting (took the call-back or ticket instead). */
  withdraw(channel: string, conversationId: string): Promise<void>;
}

/**
 * Nobody is ever available: every request is answered "no agents", so the bot offers to record
 * a complaint instead of leaving the customer waiting for nobody. For deployments without agents.
 */
export class NoAgentsHandoffService implements HandoffService {
  async requestHuman(): Promise<HandoffOutcome> {
    return { kind: 'unavailable', why: 'no_agents' };
  }

  async status(): Promise<HandoffStatus> {
    return { state: 'bot' };
  }

  async customerMessage(): Promise<void> {}

  async withdraw(): Promise<void> {}
}

/** The HandoffService of a deployment with agents: the shared desk. */
export class DeskHandoffService implements HandoffService {
  constructor(
    private readonly desk: HandoffDesk,
    private readonly clock: { now(): Date },
  ) {}

  async requestHuman(request: HandoffRequest): Promise<HandoffOutcome> {
    const result = await this.desk.request({
      channel: request.channel,
      conversationId: request.conversationId,
      userId: request.userId,
      locale: request.locale,
      priority: request.priority ?? 'normal',
      vip: request.vip ?? false,
      skill: request.skill ?? 'general',
      reasons: request.reasons,
      packet: request.packet,
    });
    if (result.kind === 'queued') return { kind: 'queued', position: result.position, estimatedWaitMinutes: result.estimatedWaitMinutes };
    if (result.kind === 'assigned') return { kind: 'assigned' };
    return { kind: 'unavailable', why: result.why };
  }

  async status(channel: string, conversationId: string): Promise<HandoffStatus> {
    const record = await this.desk.get(`${channel}/${conversationId}`);
    if (record === undefined) return { state: 'bot' };
    if (record.state !== 'queued') return { state: record.state };
    return { state: 'queued', ...(await this.desk.placeOf(record)) };
  }

  async customerMessage(channel: string, conversationId: string, text: string): Promise<void> {
    await this.desk.addMessage(`${channel}/${conversationId}`, { at: this.clock.now().toISOString(), from: 'customer', text });
  }

  async withdraw(channel: string, conversationId: string): Promise<void> {
    await this.desk.withdraw(`${channel}/${conversationId}`);
  }
}
