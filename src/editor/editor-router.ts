import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { Auth } from '../auth/auth';
import { pickLocale } from '../channels/webchat/webchat-page';
import { LOCALES, localeSchema, type Locale } from '../domain/complaint';
import { ApiError, type FieldErrors } from '../errors/catalogue';
import { sendStaffPage, serveStaffAssets, staffPageStrings } from '../http/staff-page';
import { parseOrReject } from '../http/validate';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import { ARTICLE_CATEGORIES, parseArticle, type ArticleProblem } from '../services/knowledge/article-loader';
import { articleDraft, articleSource, type ArticleDraft } from '../services/knowledge/article-source';
import { groupGaps, type StoreKnowledgeGaps } from '../services/knowledge/knowledge-gaps';
import type { KnowledgeEntry, KnowledgeRepository, PublishOutcome } from '../services/knowledge/knowledge-repository';
import type { KnowledgeEngine } from '../services/knowledge/knowledge-service';
import type { LiveKnowledgeService } from '../services/knowledge/live-knowledge-service';
import type { Clock } from '../util/clock';
import { findProjectRoot } from '../util/project-root';
import { renderEditorPage, type EditorPageConfig } from './editor-page';
import { renderAnswerHtml } from './markdown';
import {
  addGapQuestionSchema,
  articleParamsSchema,
  createArticleSchema,
  dismissGapsSchema,
  gapsQuerySchema,
  listQuerySchema,
  previewSchema,
  retireArticleSchema,
  rollbackArticleSchema,
  saveArticleSchema,
  tryQuestionSchema,
  versionParamsSchema,
} from './schema';

/** What the editor needs from the composition root. */
export interface EditorDependencies {
  auth: Auth;
  repository: KnowledgeRepository;
  live: LiveKnowledgeService;
  gaps: StoreKnowledgeGaps;
  prompts: PromptCatalog;
  defaultLocale: Locale;
  clock: Clock;
}

/** Articles ranked for "try a question", and candidates offered per gap group. */
const TRY_LIMIT = 10;
const GAP_CANDIDATES = 3;
/** Groups and questions per group sent to the page; the rest wait until these are handled. */
const GAP_GROUPS_SHOWN = 100;
const GAP_QUESTIONS_SHOWN = 20;

/**
 * The knowledge editors' page and API, for editors and administrators; mount at `/editor`.
 * - `GET /` the page (plain script and stylesheet files under `/assets/`, strict CSP);
 * - `/api/...` JSON: list and read articles, publish (with the version the edit started from),
 *   create, retire, history and rollback, preview, try a question, gaps, status.
 * Every publish goes live on this instance before the answer and on the others within about a second.
 */
export function editorRouter(deps: EditorDependencies): Router {
  const strings = staffPageStrings(deps.prompts, 'editor.');
  const signedIn = (req: Request) => deps.auth.signedIn(req);
  const author = (req: Request) => signedIn(req).user.name;

  const router = Router();
  const assets = serveStaffAssets(router, '/editor', path.join(findProjectRoot(), 'src', 'editor', 'assets'), 'editor');

  router.get('/', deps.auth.requireRole('editor'), (req, res) => {
    const lang = localeSchema.safeParse(req.query['lang']);
    const uiLocale = lang.success ? lang.data : pickLocale(req.acceptsLanguages().filter((tag) => tag !== '*'), deps.defaultLocale);
    const { user, session } = signedIn(req);
    const config: EditorPageConfig = {
      uiLocale,
      strings,
      user: { name: user.name, role: user.role },
      csrfToken: session.csrfToken,
      locales: [...LOCALES],
      categories: [...ARTICLE_CATEGORIES],
      actions: ['offer_complaint', 'offer_human'],
      today: deps.clock.now().toISOString().slice(0, 10),
    };
    sendStaffPage(res, renderEditorPage({ config, assets }));
  });

  const api = Router();
  api.use(deps.auth.requireRole('editor'));
  api.use(jsonOnly);
  api.use(express.json({ limit: '256kb', strict: true }));

  /** Makes a publish's outcome the answer: live here first, 4xx with the reason otherwise. */
  async function published(outcome: PublishOutcome, id: string): Promise<{ version: number; revision: number }> {
    if (outcome.ok) {
      await deps.live.published(outcome.revision);
      return { version: outcome.version, revision: outcome.revision };
    }
    switch (outcome.reason) {
      case 'invalid':
        throw new ApiError('BAD_REQUEST', problemFields(outcome.problems));
      case 'conflict':
        throw new ApiError('EDIT_CONFLICT', undefined, { details: { currentVersion: outcome.current.version, author: outcome.current.author, at: outcome.current.at } });
      case 'exists':
        throw new ApiError('ID_TAKEN', { id: [`"${id}" is already used in this locale`] }, { details: { id } });
      case 'unknown':
        throw new ApiError('NOT_FOUND');
      case 'no-such-version':
        throw new ApiError('BAD_REQUEST', { toVersion: ['there is no such version'] });
    }
  }

  api.get('/articles', async (req, res) => {
    const query = listQuerySchema.parse(req.query);
    const snapshot = await deps.repository.snapshot();
    const words = (query.q ?? '').trim().toLowerCase();
    const tag = query.tag?.trim().toLowerCase();
    const items = snapshot.entries
      .filter((entry) => (query.locale ? entry.locale === query.locale : true))
      .filter((entry) => query.retired === '1' || entry.state !== 'retired')
      .filter((entry) => (query.category ? entry.article?.category === query.category : true))
      .filter((entry) => (tag ? entry.article?.tags.some((t) => t.toLowerCase() === tag) : true))
      .filter((entry) => (words ? searchableText(entry).includes(words) : true))
      .map(listItem);
    res.json({ revision: snapshot.revision, articles: items });
  });

  api.get('/articles/:locale/:id', async (req, res) => {
    const { locale, id } = parseOrReject(articleParamsSchema, req.params);
    const entry = await deps.repository.entry(locale, id);
    if (!entry) throw new ApiError('NOT_FOUND');
    res.json({ ...listItem(entry), problems: entry.problems, draft: entry.article ? articleDraft(entry.article) : await lastDraft(deps.repository, locale, id) });
  });

  api.put('/articles/:locale/:id', async (req, res) => {
    const { locale, id } = parseOrReject(articleParamsSchema, req.params);
    const body = parseOrReject(saveArticleSchema, req.body);
    const outcome = await deps.repository.publish({ locale, id, source: articleSource(id, body.draft), baseVersion: body.baseVersion, author: author(req), comment: body.comment });
    res.json(await published(outcome, id));
  });

  api.post('/articles', async (req, res) => {
    const body = parseOrReject(createArticleSchema, req.body);
    const outcome = await deps.repository.create({ locale: body.locale, id: body.id, source: articleSource(body.id, body.draft), author: author(req), comment: body.comment });
    res.status(201).json(await published(outcome, body.id));
  });

  api.post('/articles/:locale/:id/retire', async (req, res) => {
    const { locale, id } = parseOrReject(articleParamsSchema, req.params);
    const body = parseOrReject(retireArticleSchema, req.body);
    res.json(await published(await deps.repository.retire({ locale, id, baseVersion: body.baseVersion, author: author(req), comment: body.comment }), id));
  });

  api.post('/articles/:locale/:id/rollback', async (req, res) => {
    const { locale, id } = parseOrReject(articleParamsSchema, req.params);
    const body = parseOrReject(rollbackArticleSchema, req.body);
    const outcome = await deps.repository.rollback({ locale, id, baseVersion: body.baseVersion, toVersion: body.toVersion, author: author(req), comment: body.comment });
    res.json(await published(outcome, id));
  });

  api.get('/articles/:locale/:id/history', async (req, res) => {
    const { locale, id } = parseOrReject(articleParamsSchema, req.params);
    const history = await deps.repository.history(locale, id);
    if (!history) throw new ApiError('NOT_FOUND');
    res.json(history);
  });

  api.get('/articles/:locale/:id/versions/:version', async (req, res) => {
    const { locale, id, version } = parseOrReject(versionParamsSchema, req.params);
    const source = await deps.repository.versionSource(locale, id, version);
    if (source === undefined) throw new ApiError('NOT_FOUND');
    res.json({ version, source });
  });

  api.post('/preview', (req, res) => {
    const body = parseOrReject(previewSchema, req.body);
    const id = body.id || 'new-article';
    const parsed = parseArticle(`${body.locale}/${id}.md`, body.locale, articleSource(id, body.draft));
    res.json({ html: renderAnswerHtml(body.draft.body.trim()), voice: body.draft.voice.trim(), fields: parsed.ok ? {} : problemFields(parsed.problems) });
  });

  api.post('/try', (req, res) => {
    const body = parseOrReject(tryQuestionSchema, req.body);
    let engine: KnowledgeEngine = deps.live.engine;
    let draftFields: FieldErrors | undefined;
    if (body.draft) {
      const parsed = parseArticle(`${body.locale}/${body.draft.id}.md`, body.locale, articleSource(body.draft.id, body.draft.draft));
      if (parsed.ok) engine = deps.live.previewEngine([parsed.article]);
      else draftFields = problemFields(parsed.problems);
    }
    const decision = engine.decide(body.question, body.locale);
    res.json({
      usedDraft: body.draft !== undefined && draftFields === undefined,
      ...(draftFields ? { draftFields } : {}),
      decision:
        decision.kind === 'answer'
          ? { kind: 'answer', articleId: decision.article.id, title: decision.article.title, confidence: decision.confidence }
          : decision.kind === 'clarify'
            ? { kind: 'clarify', options: decision.options }
            : { kind: 'none' },
      ranked: engine.rank(body.question, body.locale, TRY_LIMIT),
    });
  });

  api.get('/gaps', async (req, res) => {
    const { locale } = parseOrReject(gapsQuerySchema, req.query);
    const engine = deps.live.engine;
    const groups = groupGaps(await deps.gaps.list(locale)).slice(0, GAP_GROUPS_SHOWN);
    res.json({
      groups: groups.map((group) => {
        const candidates = engine.rank(group.gaps[0]?.question ?? '', locale, GAP_CANDIDATES);
        return {
          gapIds: group.gaps.map((gap) => gap.seq),
          count: group.count,
          newestAt: group.newestAt,
          reasons: group.reasons,
          gaps: group.gaps.slice(0, GAP_QUESTIONS_SHOWN).map((gap) => ({ id: gap.seq, question: gap.question, reason: gap.reason, at: gap.at, channel: gap.channel })),
          candidates,
          bestArticleId: candidates[0]?.articleId ?? group.recordedArticleId,
        };
      }),
      articles: engine.articles
        .filter((article) => article.locale === locale)
        .map((article) => ({ id: article.id, title: article.title }))
        .sort((a, b) => a.id.localeCompare(b.id)),
    });
  });

  api.post('/gaps/add-question', async (req, res) => {
    const body = parseOrReject(addGapQuestionSchema, req.body);
    const gap = (await deps.gaps.list(body.locale)).find((candidate) => candidate.seq === body.gapId);
    if (!gap) throw new ApiError('NOT_FOUND');
    const outcome = await deps.repository.addExampleQuestion({
      locale: body.locale,
      id: body.articleId,
      question: gap.question,
      author: author(req),
      comment: deps.prompts.text(body.locale, 'editor.gaps.historyComment'),
    });
    const result = await published(outcome, body.articleId);
    const removed = await deps.gaps.dismiss(body.locale, { question: gap.question });
    res.json({ ...result, removed });
  });

  api.post('/gaps/dismiss', async (req, res) => {
    const body = parseOrReject(dismissGapsSchema, req.body);
    res.json({ removed: await deps.gaps.dismiss(body.locale, { seqs: body.gapIds }) });
  });

  api.get('/status', (_req, res) => {
    res.json(deps.live.status());
  });

  router.use('/api', api);
  return router;
}

const jsonOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
  if (['POST', 'PUT'].includes(req.method) && hasBody && !req.is('application/json')) next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
  else next();
};

/** parseArticle's problems as the API's field errors: by front-matter field, or `(article)`. */
function problemFields(problems: readonly ArticleProblem[]): FieldErrors {
  const fields: FieldErrors = {};
  for (const problem of problems) (fields[problem.field ?? '(article)'] ??= []).push(problem.message);
  return fields;
}

function listItem(entry: KnowledgeEntry) {
  return {
    locale: entry.locale,
    id: entry.id,
    title: entry.article?.title ?? entry.id,
    category: entry.article?.category,
    tags: entry.article?.tags ?? [],
    version: entry.version,
    origin: entry.origin,
    state: entry.state,
    inFolder: entry.inFolder,
    lastChange: entry.lastChange,
    problemCount: entry.problems.length,
  };
}

function searchableText(entry: KnowledgeEntry): string {
  const article = entry.article;
  return [entry.id, article?.title, ...(article?.questions ?? []), ...(article?.tags ?? []), article?.body].join('\n').toLowerCase();
}

/** For an article that is not live (retired): its newest good text, so it can be edited back. */
async function lastDraft(repository: KnowledgeRepository, locale: Locale, id: string): Promise<ArticleDraft | null> {
  const history = await repository.history(locale, id);
  for (const version of history?.versions ?? []) {
    const source = version.kind === 'text' || version.version === 0 ? await repository.versionSource(locale, id, version.version) : undefined;
    const parsed = source === undefined ? undefined : parseArticle(`${locale}/${id}.md`, locale, source);
    if (parsed?.ok) return articleDraft(parsed.article);
  }
  return null;
}
