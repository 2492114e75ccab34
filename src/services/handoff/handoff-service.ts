import type { Locale } from '../../domain/complaint';

/** Who asks for a person, and why. */
export interface HandoffRequest {
  conversationId: string;
  userId: string;
  channel: string;
  locale: Locale;
  /** Machine-readable reasons, e.g. `explicit-request`. */
  reasons: string[];
}

/** What became of a request for a person. */
export type HandoffOutcome =
  | { kind: 'queued'; position: number; estimatedWaitMinutes: number }
  | { kind: 'unavailable' };

/** Hands conversations to human agents. Dialogs receive it; the agent console implements it. */
export interface HandoffService {
  requestHuman(request: HandoffRequest): Promise<HandoffOutcome>;
}

/**
 * Used until agents can be online (the agent console is a later issue): every request is
 * answered "nobody available", so the bot offers to record a complaint instead of leaving
 * the customer waiting for nobody.
 */
export class NoAgentsHandoffService implements HandoffService {
  async requestHuman(): Promise<HandoffOutcome> {
    return { kind: 'unavailable' };
  }
}
