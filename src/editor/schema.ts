import { z } from 'zod';
import { localeSchema } from '../domain/complaint';

/** Ids in paths and bodies: the shape an article file name has. */
export const articleIdSchema = z.string().regex(/^[a-z0-9]+(?:-[a-z0-9]+)*$/, 'must be kebab-case (lower-case words joined by hyphens)').max(100);

/** `/articles/:locale/:id` */
export const articleParamsSchema = z.object({ locale: localeSchema, id: articleIdSchema });

/**
 * An article being edited. Only the shape is checked here (and sizes, so that nothing huge gets
 * through); whether it is a good article is parseArticle's call, reported per field.
 */
export const articleDraftSchema = z.strictObject({
  title: z.string().max(1000),
  questions: z.array(z.string().max(1000)).max(200),
  tags: z.array(z.string().max(200)).max(100),
  category: z.string().max(100),
  voice: z.string().max(2000),
  actions: z.array(z.string().max(100)).max(10),
  updated: z.string().max(40),
  owner: z.string().max(200),
  body: z.string().max(50_000),
});

const commentSchema = z.string().trim().max(500).default('');

/** PUT /editor/api/articles/:locale/:id */
export const saveArticleSchema = z.strictObject({
  baseVersion: z.number().int().nonnegative(),
  draft: articleDraftSchema,
  comment: commentSchema,
});

/** POST /editor/api/articles */
export const createArticleSchema = z.strictObject({
  locale: localeSchema,
  id: articleIdSchema,
  draft: articleDraftSchema,
  comment: commentSchema,
});

/** POST /editor/api/articles/:locale/:id/retire */
export const retireArticleSchema = z.strictObject({ baseVersion: z.number().int().nonnegative(), comment: commentSchema });

/** POST /editor/api/articles/:locale/:id/rollback */
export const rollbackArticleSchema = z.strictObject({
  baseVersion: z.number().int().nonnegative(),
  toVersion: z.number().int().nonnegative(),
  comment: commentSchema,
});

/** `/articles/:locale/:id/versions/:version` */
export const versionParamsSchema = articleParamsSchema.extend({ version: z.coerce.number().int().nonnegative() });

/** POST /editor/api/preview: the chat and spoken answer of a draft, and its problems. */
export const previewSchema = z.strictObject({
  locale: localeSchema,
  id: z.string().max(100).default(''),
  draft: articleDraftSchema,
});

/** POST /editor/api/try */
export const tryQuestionSchema = z.strictObject({
  locale: localeSchema,
  question: z.string().trim().min(1, 'type a question').max(4000),
  /** An unsaved article to try the question against instead of its published version. */
  draft: z.strictObject({ id: articleIdSchema, draft: articleDraftSchema }).optional(),
});

/** GET /editor/api/articles */
export const listQuerySchema = z.object({
  locale: localeSchema.optional().catch(undefined),
  category: z.string().max(100).optional().catch(undefined),
  tag: z.string().max(200).optional().catch(undefined),
  q: z.string().max(200).optional().catch(undefined),
  retired: z.enum(['0', '1']).optional().catch(undefined),
});

/** GET /editor/api/gaps */
export const gapsQuerySchema = z.object({ locale: localeSchema });

/** POST /editor/api/gaps/add-question */
export const addGapQuestionSchema = z.strictObject({
  locale: localeSchema,
  gapId: z.number().int().nonnegative(),
  articleId: articleIdSchema,
});

/** POST /editor/api/gaps/dismiss */
export const dismissGapsSchema = z.strictObject({
  locale: localeSchema,
  gapIds: z.array(z.number().int().nonnegative()).min(1).max(2000),
});
