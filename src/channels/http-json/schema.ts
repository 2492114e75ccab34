import { z } from 'zod';
import { localeSchema } from '../../domain/complaint';

/** POST /api/chat/conversations */
export const startConversationSchema = z
  .object({
    userId: z.string().regex(/^[\w.:@-]{1,100}$/, 'letters, digits and . _ : @ - only, at most 100').optional(),
    locale: localeSchema.optional(),
  })
  .strict();

/** POST /api/chat/conversations/:id/messages */
export const postMessageSchema = z
  .object({
    text: z.string().max(20000, 'at most 20000 characters'),
  })
  .strict();

export const conversationIdSchema = z.string().regex(/^hc_[A-Za-z0-9_-]{10,64}$/, 'not a conversation id');

/** GET /api/chat/conversations/:id/messages?after= */
export const pendingQuerySchema = z
  .object({
    after: z.coerce.number().int('a whole number').min(0, 'not negative').max(Number.MAX_SAFE_INTEGER).default(0),
  })
  .strict();

/** A message that reached a JSON API conversation outside a bot turn: from an agent, or from Hearline about the handoff. */
export const pendingMessageSchema = z.discriminatedUnion('from', [
  z.object({ from: z.literal('agent'), agent: z.string(), text: z.string(), at: z.string() }),
  z.object({ from: z.literal('bot'), text: z.string(), at: z.string() }),
]);
export type PendingMessage = z.infer<typeof pendingMessageSchema>;
