import { z } from 'zod';
import { localeSchema, type Locale } from '../domain/complaint';

/**
 * The one Activity shape every channel hands to the bot core (web chat, WeChat, phone,
 * terminal). Channels translate their wire format into this and never hold dialog logic.
 */
export const inboundActivitySchema = z.object({
  type: z.enum(['message', 'conversationStart']),
  /** Stable channel name: state keys and locks include it. */
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,49}$/),
  conversationId: z.string().min(1).max(200),
  userId: z.string().min(1).max(200),
  userName: z.string().max(200).optional(),
  /** Raw text as typed or recognised; the bot core decides what is too long. */
  text: z.string().max(1_000_000).optional(),
  /** The channel's idea of the customer's language (browser or WeChat setting), if any. */
  locale: localeSchema.optional(),
  /** The channel's id for the message, echoed on replies. */
  id: z.string().max(200).optional(),
  /** Files the customer sent with the message, already stored by the channel. */
  attachments: z
    .array(z.object({ id: z.string().regex(/^[A-Za-z0-9_-]{22}$/), contentType: z.string().max(100), name: z.string().max(200) }))
    .max(5)
    .optional(),
});
export type InboundActivity = z.infer<typeof inboundActivitySchema>;

/** What the bot says: display text plus a spoken variant, and choices to offer as buttons. */
export interface MessageReply {
  type: 'message';
  text: string;
  speak: string;
  choices: string[];
  locale: Locale;
  /** Whether the bot now waits for an answer (a prompt) or just informs. */
  expectsInput: boolean;
}

/** The bot is working on an answer. */
export interface TypingReply {
  type: 'typing';
}

export type OutboundReply = MessageReply | TypingReply;

/** Receives replies as the bot sends them, before the turn ends (for streaming channels). */
export type ReplySink = (reply: OutboundReply) => void | Promise<void>;

/** The in-process channel interface: one activity in, the turn's replies out. */
export interface BotGateway {
  process(activity: InboundActivity, sink?: ReplySink): Promise<OutboundReply[]>;
}
