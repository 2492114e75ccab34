import path from 'node:path';
import { z } from 'zod';
import { LOCALES, localeSchema, type Locale } from '../../domain/complaint';
import { EtagConflictError, type DocumentStore, type StoredDocument } from '../../storage/store';
import type { Clock } from '../../util/clock';
import { loadKnowledgeBase, parseArticle, type ArticleProblem } from './article-loader';
import { articleDraft, articleSource } from './article-source';
import type { KnowledgeArticle } from './knowledge-service';

/**
 * Where the knowledge base lives, and the rule between its two homes:
 *
 * - the folder (`KNOWLEDGE_DIR`, `knowledge/<locale>/<id>.md`) is the base, kept in git by teams
 *   that want review and history there;
 * - versions published in the editor are kept in the store, and the newest one of an article
 *   **overrides the folder's file with the same locale and id** (or retires the article, or, as
 *   "version 0" rolled back to, hands it back to the folder).
 *
 * `bin/hearline kb export --dir knowledge` writes the published versions out as files, so the
 * team can commit them; after that the folder and the store say the same thing.
 *
 * Store layout (DocumentStore keys): `knowledge/revision` (a counter raised by every publish,
 * cheap for other instances to poll), `knowledge/index` (which articles have versions),
 * `knowledge/current/<locale>/<id>` (the newest version) and `knowledge/history/<locale>/<id>`
 * (the newest `historyLimit` versions). A publish writes all four at once under eTag checks.
 */

const REVISION_KEY = 'knowledge/revision';
const INDEX_KEY = 'knowledge/index';
const currentKey = (locale: Locale, id: string) => `knowledge/current/${locale}/${id}`;
const historyKey = (locale: Locale, id: string) => `knowledge/history/${locale}/${id}`;

/** Largest article text accepted (front matter and body). */
export const MAX_ARTICLE_SOURCE_CHARS = 100_000;
const ARTICLE_ID = /^[a-z0-9]+(?:-[a-z0-9]+)*$/;

/**
 * What a version says: `text` is an article file's content, `retired` takes the article out of
 * service, `folder` hands it back to the folder's file (what rolling back to version 0 does).
 */
export const VERSION_KINDS = ['text', 'retired', 'folder'] as const;
export type VersionKind = (typeof VERSION_KINDS)[number];

const storedVersionSchema = z
  .object({
    version: z.number().int().positive(),
    kind: z.enum(VERSION_KINDS),
    source: z.string().max(MAX_ARTICLE_SOURCE_CHARS).optional(),
    author: z.string().min(1).max(100),
    at: z.iso.datetime(),
    comment: z.string().max(500),
  })
  .refine((version) => (version.kind === 'text') === (version.source !== undefined), 'a text version has a source, others none');
/** One published version of one article. */
export type StoredVersion = z.infer<typeof storedVersionSchema>;

const historySchema = z.object({ versions: z.array(storedVersionSchema) });
const indexSchema = z.object({ articles: z.array(z.object({ locale: localeSchema, id: z.string().regex(ARTICLE_ID) })) });
const revisionSchema = z.object({ revision: z.number().int().nonnegative(), at: z.iso.datetime() });

/** One article as editors see it: what is live, where it comes from, and what is wrong. */
export interface KnowledgeEntry {
  locale: Locale;
  id: string;
  /** 0: the folder's file, never edited here; n: the n-th version published in the editor. */
  version: number;
  /** Where the live content comes from. */
  origin: 'folder' | 'editor';
  /** live; retired in the editor; missing (handed back to a folder without the file); broken (no good version). */
  state: 'live' | 'retired' | 'missing' | 'broken';
  /** The article customers get, when live. */
  article: KnowledgeArticle | undefined;
  /** Whether the folder has a good file for this locale and id. */
  inFolder: boolean;
  /** Who published the current version, when it came from the editor. */
  lastChange: { author: string; at: string; comment: string } | undefined;
  problems: ArticleProblem[];
}

/** Every article at one revision. */
export interface KnowledgeSnapshot {
  revision: number;
  entries: KnowledgeEntry[];
  /** The live articles: what an engine is built from. */
  articles: KnowledgeArticle[];
  /** Everything wrong, in the folder and in the store, each naming its file and field. */
  problems: ArticleProblem[];
}

/** The answer to a publish: the new version, or why nothing changed. */
export type PublishOutcome =
  | { ok: true; version: number; revision: number }
  | { ok: false; reason: 'invalid'; problems: ArticleProblem[] }
  | { ok: false; reason: 'conflict'; current: { version: number; author?: string; at?: string } }
  | { ok: false; reason: 'exists' }
  | { ok: false; reason: 'unknown' }
  | { ok: false; reason: 'no-such-version' };

/** A version in an article's history, without its text. */
export interface VersionSummary {
  version: number;
  kind: VersionKind;
  author: string;
  at: string;
  comment: string;
}

interface Change {
  locale: Locale;
  id: string;
  author: string;
  comment?: string;
}

/** Options of KnowledgeRepository. */
export interface KnowledgeRepositoryOptions {
  documents: DocumentStore;
  clock: Clock;
  /** The folder of article files (config.knowledgeDir). */
  knowledgeDir: string;
  /** Versions kept per article; older ones are dropped. Default 100. */
  historyLimit?: number;
}

/** The knowledge base's folder and its published versions, merged by the rule above. */
export class KnowledgeRepository {
  private readonly historyLimit: number;
  /** The folder's articles by `<locale>/<id>`, as last read; a file that breaks keeps its last good article. */
  private folder: { articles: Map<string, KnowledgeArticle>; problems: ArticleProblem[] } | undefined;

  constructor(private readonly options: KnowledgeRepositoryOptions) {
    this.historyLimit = options.historyLimit ?? 100;
  }

  /** The revision counter: raised by every publish, on whichever instance. */
  async revision(): Promise<number> {
    const stored = (await this.options.documents.read([REVISION_KEY])).get(REVISION_KEY);
    return stored ? parseStored(revisionSchema, REVISION_KEY, stored).revision : 0;
  }

  /**
   * Reads the folder again and every published version: the whole knowledge base as it is now.
   * A folder file that no longer parses keeps its last good version live (and is reported).
   */
  async snapshot(): Promise<KnowledgeSnapshot> {
    const folder = await this.reloadFolder();
    const head = await this.options.documents.read([REVISION_KEY, INDEX_KEY]);
    const revisionDoc = head.get(REVISION_KEY);
    const indexDoc = head.get(INDEX_KEY);
    const revision = revisionDoc ? parseStored(revisionSchema, REVISION_KEY, revisionDoc).revision : 0;
    const index = indexDoc ? parseStored(indexSchema, INDEX_KEY, indexDoc).articles : [];
    const currents = await this.options.documents.read(index.map(({ locale, id }) => currentKey(locale, id)));

    const keys = new Set<string>([...folder.articles.keys(), ...index.map(({ locale, id }) => `${locale}/${id}`)]);
    const entries: KnowledgeEntry[] = [];
    for (const key of [...keys].sort()) {
      const [localeText, id = ''] = key.split('/');
      const locale = localeSchema.parse(localeText);
      const stored = currents.get(currentKey(locale, id));
      entries.push(await this.resolve(locale, id, stored ? parseStored(storedVersionSchema, currentKey(locale, id), stored) : undefined));
    }
    return {
      revision,
      entries,
      articles: entries.flatMap((entry) => (entry.state === 'live' && entry.article ? [entry.article] : [])),
      problems: [...folder.problems, ...entries.flatMap((entry) => entry.problems)],
    };
  }

  /** One article as it is now, or undefined when neither the folder nor the store has it. */
  async entry(locale: Locale, id: string): Promise<KnowledgeEntry | undefined> {
    const folder = await this.currentFolder();
    const current = await this.readCurrent(locale, id);
    if (!current && !folder.articles.has(`${locale}/${id}`)) return undefined;
    return this.resolve(locale, id, current?.version);
  }

  /** Publishes a new text version of an existing article, which must still be at `baseVersion`. */
  publish(change: Change & { source: string; baseVersion: number }): Promise<PublishOutcome> {
    const problems = checkSource(change.locale, change.id, change.source);
    if (problems) return Promise.resolve({ ok: false, reason: 'invalid', problems });
    return this.commit(change, { baseVersion: change.baseVersion }, () => ({ kind: 'text', source: change.source }));
  }

  /** Publishes the first version of a new article; its id must be free in its locale (folder and store). */
  create(change: Change & { source: string }): Promise<PublishOutcome> {
    const problems = checkSource(change.locale, change.id, change.source);
    if (problems) return Promise.resolve({ ok: false, reason: 'invalid', problems });
    return this.commit(change, 'new', () => ({ kind: 'text', source: change.source }));
  }

  /** Takes an article out of service; its history stays, and a rollback brings it back. */
  retire(change: Change & { baseVersion: number }): Promise<PublishOutcome> {
    return this.commit(change, { baseVersion: change.baseVersion }, () => ({ kind: 'retired' }));
  }

  /**
   * Publishes an old version again as a new version (history is never rewritten). Version 0
   * means the folder's file: the article follows the folder again.
   */
  async rollback(change: Change & { baseVersion: number; toVersion: number }): Promise<PublishOutcome> {
    const folder = await this.currentFolder();
    return this.commit(change, { baseVersion: change.baseVersion }, (history) => {
      if (change.toVersion === 0) return folder.articles.has(`${change.locale}/${change.id}`) ? { kind: 'folder' } : undefined;
      const old = history.find((version) => version.version === change.toVersion);
      if (!old) return undefined;
      return old.kind === 'text' && old.source !== undefined ? { kind: 'text', source: old.source } : { kind: old.kind };
    });
  }

  /**
   * Adds a customer's question to an article's example questions (the gaps view's one click):
   * a new version made from the current one, retried if someone publishes in between.
   */
  async addExampleQuestion(change: Change & { question: string }): Promise<PublishOutcome> {
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const entry = await this.entry(change.locale, change.id);
      if (!entry?.article) return { ok: false, reason: 'unknown' };
      const question = change.question.trim();
      if (entry.article.questions.some((existing) => existing.trim() === question)) {
        return { ok: true, version: entry.version, revision: await this.revision() };
      }
      const draft = articleDraft(entry.article);
      draft.questions.push(question);
      const outcome = await this.publish({ ...change, source: articleSource(change.id, draft), baseVersion: entry.version });
      if (outcome.ok || outcome.reason !== 'conflict') return outcome;
    }
    return { ok: false, reason: 'conflict', current: { version: (await this.entry(change.locale, change.id))?.version ?? 0 } };
  }

  /** An article's versions, newest first; version 0 (the folder's file) is listed when there is one. */
  async history(locale: Locale, id: string): Promise<{ versions: VersionSummary[]; inFolder: boolean } | undefined> {
    const folder = await this.currentFolder();
    const inFolder = folder.articles.has(`${locale}/${id}`);
    const versions = await this.readHistory(locale, id);
    if (versions.length === 0 && !inFolder) return undefined;
    return {
      versions: versions.map(({ version, kind, author, at, comment }) => ({ version, kind, author, at, comment })).reverse(),
      inFolder,
    };
  }

  /** The text of one version: a stored text version, or for 0 the folder's article written as a file. */
  async versionSource(locale: Locale, id: string, version: number): Promise<string | undefined> {
    if (version === 0) {
      const article = (await this.currentFolder()).articles.get(`${locale}/${id}`);
      return article && articleSource(id, articleDraft(article));
    }
    return (await this.readHistory(locale, id)).find((entry) => entry.version === version)?.source;
  }

  /** Every article whose newest version came from the editor, for `kb export`. */
  async published(): Promise<Array<{ locale: Locale; id: string; version: StoredVersion }>> {
    const stored = (await this.options.documents.read([INDEX_KEY])).get(INDEX_KEY);
    const index = stored ? parseStored(indexSchema, INDEX_KEY, stored).articles : [];
    const currents = await this.options.documents.read(index.map(({ locale, id }) => currentKey(locale, id)));
    return index.flatMap(({ locale, id }) => {
      const current = currents.get(currentKey(locale, id));
      return current ? [{ locale, id, version: parseStored(storedVersionSchema, currentKey(locale, id), current) }] : [];
    });
  }

  /**
   * The one way anything is published: checks the base version (or that a new id is free),
   * then writes the version, the history, the index and the revision together, retrying when
   * another article was published meanwhile.
   */
  private async commit(
    change: Change,
    expect: { baseVersion: number } | 'new',
    make: (history: StoredVersion[]) => { kind: VersionKind; source?: string } | undefined,
  ): Promise<PublishOutcome> {
    const { locale, id } = change;
    if (!ARTICLE_ID.test(id)) return { ok: false, reason: 'invalid', problems: [{ file: `${locale}/${id}.md`, field: 'id', message: 'must be kebab-case (lower-case words joined by hyphens)' }] };
    const folder = await this.currentFolder();
    const keys = [REVISION_KEY, INDEX_KEY, currentKey(locale, id), historyKey(locale, id)];
    for (let attempt = 0; attempt < 10; attempt += 1) {
      const docs = await this.options.documents.read(keys);
      const [revisionDoc, indexDoc, currentDoc, historyDoc] = keys.map((key) => docs.get(key));
      const current = currentDoc && parseStored(storedVersionSchema, keys[2] ?? '', currentDoc);
      const history = historyDoc ? parseStored(historySchema, keys[3] ?? '', historyDoc).versions : [];
      const currentVersion = current?.version ?? 0;
      const exists = current !== undefined || folder.articles.has(`${locale}/${id}`);
      if (expect === 'new') {
        if (exists) return { ok: false, reason: 'exists' };
      } else {
        if (!exists) return { ok: false, reason: 'unknown' };
        if (expect.baseVersion !== currentVersion) {
          return { ok: false, reason: 'conflict', current: { version: currentVersion, ...(current ? { author: current.author, at: current.at } : {}) } };
        }
      }
      const content = make(history);
      if (!content) return { ok: false, reason: 'no-such-version' };
      const at = this.options.clock.now().toISOString();
      const version: StoredVersion = { version: currentVersion + 1, ...content, author: change.author, at, comment: change.comment ?? '' };
      const index = indexDoc ? parseStored(indexSchema, INDEX_KEY, indexDoc).articles : [];
      const revision = (revisionDoc ? parseStored(revisionSchema, REVISION_KEY, revisionDoc).revision : 0) + 1;
      try {
        await this.options.documents.write([
          { key: REVISION_KEY, value: { revision, at }, expectedETag: revisionDoc?.eTag ?? '' },
          {
            key: INDEX_KEY,
            value: { articles: index.some((entry) => entry.locale === locale && entry.id === id) ? index : [...index, { locale, id }] },
            expectedETag: indexDoc?.eTag ?? '',
          },
          { key: currentKey(locale, id), value: version, expectedETag: currentDoc?.eTag ?? '' },
          { key: historyKey(locale, id), value: { versions: [...history, version].slice(-this.historyLimit) }, expectedETag: historyDoc?.eTag ?? '' },
        ]);
        return { ok: true, version: version.version, revision };
      } catch (error) {
        if (!(error instanceof EtagConflictError)) throw error;
      }
    }
    throw new Error(`KnowledgeRepository.commit: the knowledge base keeps changing while publishing ${locale}/${id}`);
  }

  /** What is live for one article, given its newest stored version (if any). */
  private async resolve(locale: Locale, id: string, current: StoredVersion | undefined): Promise<KnowledgeEntry> {
    const folder = await this.currentFolder();
    const folderArticle = folder.articles.get(`${locale}/${id}`);
    const base = { locale, id, inFolder: folderArticle !== undefined, problems: [] as ArticleProblem[] };
    if (!current) return { ...base, version: 0, origin: 'folder', state: 'live', article: folderArticle, lastChange: undefined };
    const lastChange = { author: current.author, at: current.at, comment: current.comment };
    const common = { ...base, version: current.version, lastChange };
    if (current.kind === 'retired') return { ...common, origin: 'editor', state: 'retired', article: undefined };
    if (current.kind === 'folder') return { ...common, origin: 'folder', state: folderArticle ? 'live' : 'missing', article: folderArticle };
    const parsed = parseArticle(`${locale}/${id}.md`, locale, current.source ?? '');
    if (parsed.ok) return { ...common, origin: 'editor', state: 'live', article: parsed.article };
    // Checked when published, so only a stricter later release gets here: serve the last good version.
    const problems = parsed.problems.map((problem) => ({ ...problem, message: `version ${current.version}: ${problem.message}` }));
    for (const older of (await this.readHistory(locale, id)).reverse()) {
      if (older.version >= current.version || older.kind !== 'text') continue;
      const good = parseArticle(`${locale}/${id}.md`, locale, older.source ?? '');
      if (good.ok) {
        problems.push({ file: `${locale}/${id}.md`, message: `version ${older.version}, the last good one, stays live` });
        return { ...common, origin: 'editor', state: 'live', article: good.article, problems };
      }
    }
    if (folderArticle) return { ...common, origin: 'folder', state: 'live', article: folderArticle, problems };
    return { ...common, origin: 'editor', state: 'broken', article: undefined, problems };
  }

  private async currentFolder(): Promise<{ articles: Map<string, KnowledgeArticle>; problems: ArticleProblem[] }> {
    return this.folder ?? this.reloadFolder();
  }

  private async reloadFolder(): Promise<{ articles: Map<string, KnowledgeArticle>; problems: ArticleProblem[] }> {
    const dir = this.options.knowledgeDir;
    const loaded = await loadKnowledgeBase(dir);
    const articles = new Map(loaded.articles.map((article) => [`${article.locale}/${article.id}`, article]));
    const problems = [...loaded.problems];
    // A file that was good and now is not: the last good version stays live until it is fixed.
    for (const problem of loaded.problems) {
      const [locale, ...rest] = path.relative(dir, problem.file).split(path.sep);
      if (!LOCALES.some((known) => known === locale) || rest.length === 0) continue;
      const key = `${locale}/${path.basename(problem.file, '.md')}`;
      const previous = this.folder?.articles.get(key);
      if (previous && !articles.has(key)) {
        articles.set(key, previous);
        problems.push({ file: problem.file, message: 'the last good version of this file stays live until it is fixed' });
      }
    }
    this.folder = { articles, problems };
    return this.folder;
  }

  private async readCurrent(locale: Locale, id: string): Promise<{ version: StoredVersion; eTag: string } | undefined> {
    const key = currentKey(locale, id);
    const stored = (await this.options.documents.read([key])).get(key);
    return stored && { version: parseStored(storedVersionSchema, key, stored), eTag: stored.eTag };
  }

  private async readHistory(locale: Locale, id: string): Promise<StoredVersion[]> {
    const key = historyKey(locale, id);
    const stored = (await this.options.documents.read([key])).get(key);
    return stored ? parseStored(historySchema, key, stored).versions : [];
  }
}

/** The problems of an article text, or undefined when it is a good article with this id. */
function checkSource(locale: Locale, id: string, source: string): ArticleProblem[] | undefined {
  const file = `${locale}/${id}.md`;
  if (source.length > MAX_ARTICLE_SOURCE_CHARS) return [{ file, message: `is longer than ${MAX_ARTICLE_SOURCE_CHARS} characters` }];
  const parsed = parseArticle(file, locale, source);
  return parsed.ok ? undefined : parsed.problems;
}

function parseStored<S extends z.ZodType>(schema: S, key: string, stored: StoredDocument): z.infer<S> {
  const parsed = schema.safeParse(stored.value);
  if (!parsed.success) throw new Error(`KnowledgeRepository: stored document ${key} is corrupt`, { cause: parsed.error });
  return parsed.data;
}
