import { z } from 'zod';
import { localeSchema } from '../../domain/complaint';
import { HANDOFF_EVENTS, HANDOFF_STATES } from './handoff-state';

export const HANDOFF_PRIORITIES = ['normal', 'high', 'urgent'] as const;
export const handoffPrioritySchema = z.enum(HANDOFF_PRIORITIES);
export type HandoffPriority = z.infer<typeof handoffPrioritySchema>;

/** One line of the conversation as the agent reads it. */
export const transcriptLineSchema = z.object({
  at: z.string(),
  from: z.enum(['customer', 'bot', 'agent']),
  text: z.string(),
  /** The agent's name, for lines from an agent. */
  agent: z.string().optional(),
});
export type TranscriptLine = z.infer<typeof transcriptLineSchema>;

/**
 * The handoff packet: the first thing the agent sees, so the customer never repeats the story.
 * Built by the bot when it asks for a person; the agent console renders it.
 */
export const handoffPacketSchema = z.object({
  /** One paragraph, from a template, in the conversation's language. */
  summary: z.string(),
  /** What the intake had collected so far, if anything. */
  complaint: z
    .object({
      description: z.string().optional(),
      orderRef: z.string().nullable().optional(),
      remedy: z.string().optional(),
      contact: z.object({ kind: z.enum(['phone', 'email']), value: z.string() }).optional(),
      category: z.string().optional(),
      severity: z.string().optional(),
      trackingCode: z.string().optional(),
    })
    .optional(),
  /** Knowledge articles the bot offered and how the customer took each. */
  articles: z.array(
    z.object({ articleId: z.string(), title: z.string(), feedback: z.enum(['helped', 'not_helpful', 'declined', 'no_reply']) }),
  ),
  /** One reading per customer message, oldest first. */
  emotions: z.array(z.object({ at: z.string(), emotion: z.string(), intensity: z.number(), polarity: z.number() })),
  /** Why the bot asked for a person (EscalationReason objects). */
  escalation: z.array(z.record(z.string(), z.unknown())),
  transcript: z.array(transcriptLineSchema),
  /** The customer's earlier complaints, newest first. */
  earlierComplaints: z.array(z.object({ code: z.string(), status: z.string(), createdAt: z.string(), category: z.string(), description: z.string() })),
});
export type HandoffPacket = z.infer<typeof handoffPacketSchema>;

/** A conversation's handoff as stored: who has it, since when, and everything the agent needs. */
export const handoffRecordSchema = z.object({
  /** `${channel}/${conversationId}`. */
  key: z.string(),
  channel: z.string(),
  conversationId: z.string(),
  userId: z.string(),
  locale: localeSchema,
  state: z.enum(HANDOFF_STATES),
  priority: handoffPrioritySchema,
  vip: z.boolean(),
  /** The skill wanted (a complaint category, or `general`). */
  skill: z.string(),
  /** Transferred to this agent only; otherwise any agent with the language and skill. */
  targetAgent: z.string().optional(),
  reasons: z.array(z.string()),
  /** When the customer joined the queue; a transfer keeps it, so the customer keeps their place. */
  requestedAt: z.string(),
  assignedAgent: z.string().optional(),
  outcome: z.string().optional(),
  updatedAt: z.string(),
  history: z.array(z.object({ event: z.enum(HANDOFF_EVENTS), at: z.string(), by: z.string().optional(), note: z.string().optional() })),
  packet: handoffPacketSchema,
  /** Messages exchanged while queued or with the agent (the packet holds what came before). */
  messages: z.array(transcriptLineSchema),
  /**
   * Set when the agent who had the conversation went away (closed the console, lost the
   * connection) and the desk put it back in the queue; such conversations are served first after
   * urgent ones. Cleared by the next claim (the history keeps the transfer and its reason).
   */
  interrupted: z.object({ agent: z.string(), at: z.string() }).optional(),
  /**
   * The customer going away and coming back while an agent has the conversation, which changes
   * no state (the agent still owns it and closes it with an outcome), oldest first: when the desk
   * noticed, what it saw (`note`), and for `left` the customer's last sign (`since`).
   */
  customerPresence: z.array(z.object({ at: z.string(), event: z.enum(['left', 'back']), note: z.string(), since: z.string().optional() })).optional(),
});
export type HandoffRecord = z.infer<typeof handoffRecordSchema>;

export type CustomerPresenceEntry = NonNullable<HandoffRecord['customerPresence']>[number];

/** When the customer left (their last sign), while they are still gone; undefined when they never left or came back. */
export function customerLeftAt(record: HandoffRecord): string | undefined {
  const latest = record.customerPresence?.[record.customerPresence.length - 1];
  return latest?.event === 'left' ? (latest.since ?? latest.at) : undefined;
}
