import { z } from 'zod';
import type { Locale } from '../../domain/complaint';
import type { Logger } from '../../logging/logger';
import type { ConversationLog } from '../../storage/store';
import type { Clock } from '../../util/clock';
import type { ArticleProblem } from './article-loader';
import type { KnowledgeRepository, KnowledgeSnapshot } from './knowledge-repository';
import type { KnowledgeArticle, KnowledgeDecision, KnowledgeEngine, KnowledgeEngineBuilder, KnowledgeService, ScoredArticle } from './knowledge-service';

/** How instances tell each other that the knowledge base has a new revision. */
export interface KnowledgeChangeFeed {
  announce(revision: number): Promise<void>;
  /** Hears announcements of every instance (this one included); returns the function that stops listening. */
  listen(listener: (revision: number) => void): () => void;
}

/**
 * Not a conversation: the reserved id under which knowledge announcements travel on the
 * conversation log's pub/sub (Redis PUBLISH with REDIS_URL, in-process otherwise). Nothing is
 * appended under it, and no client can open it (chat ids have other shapes).
 */
export const KNOWLEDGE_EVENTS_CONVERSATION = 'hearline:knowledge-events';
const announcementSchema = z.object({ kind: z.literal('knowledge-revision'), revision: z.number().int().nonnegative() });

/** A KnowledgeChangeFeed over the store's conversation log signals, which reach every instance. */
export function conversationLogFeed(log: ConversationLog): KnowledgeChangeFeed {
  return {
    announce: (revision) => log.signal(KNOWLEDGE_EVENTS_CONVERSATION, { kind: 'knowledge-revision', revision }),
    listen: (listener) =>
      log.subscribe((event) => {
        if (event.kind !== 'signal' || event.conversationId !== KNOWLEDGE_EVENTS_CONVERSATION) return;
        const parsed = announcementSchema.safeParse(event.payload);
        if (parsed.success) listener(parsed.data.revision);
      }),
  };
}

/** What the editors' status line shows about the engine serving customers. */
export interface LiveKnowledgeStatus {
  /** The revision the serving engine was built from. */
  revision: number;
  builtAt: string;
  articles: number;
  /** Problems in the folder or the store when the serving engine was built. */
  problems: ArticleProblem[];
  /** The last build that failed, while the previous engine kept serving. */
  lastFailure: { revision: number; at: string; message: string } | undefined;
}

/** Options of LiveKnowledgeService. */
export interface LiveKnowledgeOptions {
  repository: KnowledgeRepository;
  builder: KnowledgeEngineBuilder;
  feed: KnowledgeChangeFeed;
  clock: Clock;
  logger: Logger;
  /**
   * How often the revision document is read as well, in ms (default 1000): announcements are
   * not stored, so one published while an instance was reconnecting to Redis would be missed.
   * 0 turns polling off.
   */
  pollMs?: number;
}

/**
 * The knowledge service customers talk to. It holds one immutable engine and, on a new
 * revision (published here, announced by another instance, or seen by polling), builds the
 * next one from a fresh snapshot and swaps it in with one assignment: questions in flight
 * finish on the engine they started with, and the old engine serves until the new one is
 * ready. A build that fails leaves the last good engine serving and is reported.
 */
export class LiveKnowledgeService implements KnowledgeService {
  private current: { engine: KnowledgeEngine; snapshot: KnowledgeSnapshot; builtAt: string };
  private lastFailure: LiveKnowledgeStatus['lastFailure'];
  /** The refresh running now, and whether another was asked for meanwhile. */
  private refreshing: Promise<void> | undefined;
  private again = false;
  private readonly stopListening: () => void;
  private readonly poller: NodeJS.Timeout | undefined;

  private constructor(private readonly options: LiveKnowledgeOptions, first: { engine: KnowledgeEngine; snapshot: KnowledgeSnapshot }) {
    this.current = { ...first, builtAt: options.clock.now().toISOString() };
    this.stopListening = options.feed.listen((revision) => {
      if (revision > this.current.snapshot.revision) void this.refresh();
    });
    const pollMs = options.pollMs ?? 1000;
    if (pollMs > 0) {
      this.poller = setInterval(() => void this.poll(), pollMs);
      this.poller.unref();
    }
  }

  /** Builds the first engine; start-up fails when even that cannot be built. */
  static async start(options: LiveKnowledgeOptions): Promise<LiveKnowledgeService> {
    const snapshot = await options.repository.snapshot();
    for (const problem of snapshot.problems) options.logger.warn({ problem }, 'knowledge article left out');
    const engine = options.builder(snapshot.articles);
    options.logger.info({ articles: snapshot.articles.length, revision: snapshot.revision }, 'knowledge base loaded');
    return new LiveKnowledgeService(options, { engine, snapshot });
  }

  /** The engine serving now. */
  get engine(): KnowledgeEngine {
    return this.current.engine;
  }

  /** The snapshot the serving engine was built from. */
  get snapshot(): KnowledgeSnapshot {
    return this.current.snapshot;
  }

  async ask(question: string, locale: Locale): Promise<KnowledgeDecision> {
    return this.current.engine.decide(question, locale);
  }

  getArticle(id: string, locale: Locale): KnowledgeArticle | undefined {
    return this.current.engine.getArticle(id, locale);
  }

  rank(question: string, locale: Locale, limit: number): ScoredArticle[] {
    return this.current.engine.rank(question, locale, limit);
  }

  /** An engine over the live articles with some replaced or added (editors' unsaved drafts); never served. */
  previewEngine(replacements: readonly KnowledgeArticle[]): KnowledgeEngine {
    const replaced = new Set(replacements.map((article) => `${article.locale}/${article.id}`));
    const articles = this.current.snapshot.articles.filter((article) => !replaced.has(`${article.locale}/${article.id}`));
    return this.options.builder([...articles, ...replacements]);
  }

  status(): LiveKnowledgeStatus {
    const { snapshot, builtAt } = this.current;
    return { revision: snapshot.revision, builtAt, articles: snapshot.articles.length, problems: snapshot.problems, lastFailure: this.lastFailure };
  }

  /**
   * After a publish on this instance: rebuilds here (resolving once the new engine serves, so
   * the editor's next question sees the change) and tells the other instances.
   */
  async published(revision: number): Promise<void> {
    await this.refresh();
    try {
      await this.options.feed.announce(revision);
    } catch (error) {
      // The others still find the new revision by polling.
      this.options.logger.warn({ err: error, revision }, 'knowledge announcement failed');
    }
  }

  /**
   * Rebuilds from a fresh snapshot unless the serving engine is already at the stored revision.
   * Calls while a rebuild runs are folded into one more rebuild after it.
   */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      try {
        do {
          this.again = false;
          await this.rebuild();
        } while (this.again);
      } finally {
        this.refreshing = undefined;
      }
    })();
    return this.refreshing;
  }

  /** Stops listening and polling. */
  close(): void {
    this.stopListening();
    if (this.poller) clearInterval(this.poller);
  }

  private async poll(): Promise<void> {
    try {
      const revision = await this.options.repository.revision();
      if (revision > this.current.snapshot.revision && revision !== this.lastFailure?.revision) await this.refresh();
    } catch (error) {
      this.options.logger.warn({ err: error }, 'knowledge revision check failed');
    }
  }

  private async rebuild(): Promise<void> {
    let snapshot: KnowledgeSnapshot | undefined;
    try {
      snapshot = await this.options.repository.snapshot();
      const engine = this.options.builder(snapshot.articles);
      this.current = { engine, snapshot, builtAt: this.options.clock.now().toISOString() };
      this.lastFailure = undefined;
      this.options.logger.info({ revision: snapshot.revision, articles: snapshot.articles.length }, 'knowledge engine swapped in');
    } catch (error) {
      const revision = snapshot?.revision ?? this.current.snapshot.revision;
      this.lastFailure = { revision, at: this.options.clock.now().toISOString(), message: error instanceof Error ? error.message : String(error) };
      this.options.logger.error({ err: error, revision }, 'knowledge engine build failed; the previous engine keeps serving');
    }
  }
}
