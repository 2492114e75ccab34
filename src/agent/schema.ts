import { z } from 'zod';
import { COMPLAINT_CATEGORIES, LOCALES, localeSchema } from '../domain/complaint';

/** What agents can be good at: the complaint categories, and `general` for everything else. */
export const AGENT_SKILLS = [...COMPLAINT_CATEGORIES, 'general'] as const;
export const agentSkillSchema = z.enum(AGENT_SKILLS);

/** How an agent closes a conversation. */
export const CLOSE_OUTCOMES = ['solved', 'complaint_recorded', 'callback_arranged', 'not_solved', 'other'] as const;

/** `/api/conversations/:channel/:conversationId`: a conversation key's two halves. */
export const conversationParamsSchema = z.object({
  channel: z.string().regex(/^[a-z][a-z0-9-]{0,31}$/, 'must be a channel name'),
  conversationId: z.string().regex(/^[\w.:|@-]{1,200}$/, 'must be a conversation id'),
});

/**
 * POST /api/presence: the console is open; the agent takes these languages and skills. `console`
 * is the id of the page's live socket (its hello says it); with it, the heartbeat only counts
 * while that socket is open.
 */
export const presenceSchema = z.strictObject({
  locales: z.array(localeSchema).min(1, 'choose at least one language').max(LOCALES.length),
  skills: z.array(agentSkillSchema).max(AGENT_SKILLS.length),
  console: z.string().regex(/^[\w-]{1,64}$/, 'must be the id from the console socket\'s hello').optional(),
});

export const replySchema = z.strictObject({
  text: z.string().trim().min(1, 'must not be empty').max(2000, 'must be at most 2000 characters'),
});

/** To another agent or to a skill: exactly one of the two. */
export const transferSchema = z
  .strictObject({
    toAgent: z.string().trim().toLowerCase().min(1).max(64).optional(),
    toSkill: agentSkillSchema.optional(),
  })
  .refine((body) => (body.toAgent === undefined) !== (body.toSkill === undefined), { message: 'name either an agent or a skill', path: ['toAgent'] });

export const closeSchema = z.strictObject({
  outcome: z.enum(CLOSE_OUTCOMES),
  note: z.string().trim().max(500, 'must be at most 500 characters').optional(),
});

/** GET /api/canned: knowledge articles as replies, searched by words or listed. */
export const cannedQuerySchema = z.object({
  locale: localeSchema,
  q: z.string().trim().max(200).optional(),
});
