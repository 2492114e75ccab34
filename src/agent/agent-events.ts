import { z } from 'zod';
import type { Logger } from '../logging/logger';
import type { HandoffDeskEvent } from '../services/handoff/handoff-desk';
import { transcriptLineSchema } from '../services/handoff/handoff-record';
import { HANDOFF_STATES } from '../services/handoff/handoff-state';
import type { ConversationLog } from '../storage/store';

/**
 * The conversation-log id reserved for desk events. The log's signals already cross instances
 * (Redis pub/sub, or in-process on SQLite), so the desk's events ride on them instead of a second
 * pub/sub connection; no Direct Line id can take this value (they are base64url, no colon).
 */
export const AGENT_EVENTS_CONVERSATION = 'hearline:agent-events';

/** Desk events as they arrive from another instance: checked, since they crossed the network. */
const deskEventSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('changed'), key: z.string(), state: z.enum(HANDOFF_STATES) }),
  z.object({ kind: z.literal('message'), key: z.string(), line: transcriptLineSchema }),
]);

/** Announces desk events to every instance and hears them from every instance. */
export interface AgentEventFeed {
  /** Never throws: the desk's write already happened, a lost announcement must not undo its answer. */
  announce(event: HandoffDeskEvent): Promise<void>;
  /** Hears every desk event, this instance's too; returns the function that stops listening. */
  listen(listener: (event: HandoffDeskEvent) => void): () => void;
}

/** The feed over the store's conversation log (see AGENT_EVENTS_CONVERSATION). */
export function agentEventFeed(log: ConversationLog, logger: Logger): AgentEventFeed {
  return {
    announce: async (event) => {
      try {
        await log.signal(AGENT_EVENTS_CONVERSATION, event);
      } catch (error) {
        logger.warn({ err: error, key: event.key, kind: event.kind }, 'desk event not announced');
      }
    },
    listen: (listener) =>
      log.subscribe((event) => {
        if (event.kind !== 'signal' || event.conversationId !== AGENT_EVENTS_CONVERSATION) return;
        const parsed = deskEventSchema.safeParse(event.payload);
        if (parsed.success) listener(parsed.data);
        else logger.warn({ issues: parsed.error.issues.length }, 'unreadable desk event ignored');
      }),
  };
}
