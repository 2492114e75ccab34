import { z } from 'zod';
import { localeSchema } from '../../domain/complaint';

/** Direct Line user ids in tokens start with `dl_`, as Azure's do. */
const userIdSchema = z.string().regex(/^[\w.:@-]{1,100}$/, 'letters, digits and . _ : @ - only, at most 100');

/** Body of POST /tokens/generate and POST /conversations (both optional). */
export const startBodySchema = z
  .object({
    user: z.object({ id: userIdSchema.optional(), name: z.string().max(100).optional() }).optional(),
    locale: z.string().max(20).optional(),
    trustedOrigins: z.array(z.string()).optional(),
  })
  .passthrough();

/** Body of POST /api/directline/token, used by the demo page. */
export const pageTokenBodySchema = z.object({ locale: localeSchema.optional() }).strict();

/**
 * An activity posted by the client. Only what Hearline uses is checked; the rest of the Bot
 * Framework schema is accepted and ignored, as Azure's service does.
 */
export const postedActivitySchema = z
  .object({
    type: z.string().min(1).max(50),
    text: z.string().max(60_000).optional(),
    locale: z.string().max(20).optional(),
    from: z.object({ id: z.string().max(200).optional(), name: z.string().max(200).optional() }).passthrough().optional(),
    channelData: z.object({ clientActivityID: z.string().max(200).optional() }).passthrough().optional(),
    value: z.unknown().optional(),
    name: z.string().max(200).optional(),
  })
  .passthrough();
export type PostedActivity = z.infer<typeof postedActivitySchema>;

export const watermarkSchema = z
  .union([z.literal(''), z.string().regex(/^\d{1,12}$/)])
  .optional()
  .transform((value) => (value ? Number(value) : 0));

export const conversationIdSchema = z.string().regex(/^[A-Za-z0-9_-]{16,64}$/, 'not a conversation id');
