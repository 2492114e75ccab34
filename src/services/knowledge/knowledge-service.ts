import type { Locale } from '../../domain/complaint';

/** What an article may offer after its answer: file a complaint, or talk to a person. */
export type KnowledgeAction = 'offer_complaint' | 'offer_human';

/** One knowledge-base article in one locale, as loaded from `knowledge/<locale>/<id>.md`. */
export interface KnowledgeArticle {
  /** Kebab-case, equal to the file name; the same id names the article in every locale. */
  id: string;
  locale: Locale;
  title: string;
  /** Example phrasings in the customer's own words; the matcher learns from these. */
  questions: string[];
  tags: string[];
  /** A complaint category, or 'general' for topics that are not complaints (opening hours). */
  category: string;
  /** Short plain-text answer for the phone; the Markdown body is for screens. */
  voice: string;
  actions: KnowledgeAction[];
  /** Date of the last content review, YYYY-MM-DD. */
  updated: string;
  /** Who keeps the article right. */
  owner: string;
  /** The answer in Markdown. */
  body: string;
}

/** An article and how well it matched a question. */
export interface ScoredArticle {
  articleId: string;
  title: string;
  /** Match strength from 0 (nothing in common) to 1 (same wording). */
  score: number;
}

/**
 * What to do with a question: answer with one article, ask the customer to pick between two
 * close candidates, or admit that the knowledge base has no answer. `ranked` is kept in every
 * case so that unanswered and ambiguous questions can be reviewed by content editors.
 */
export type KnowledgeDecision =
  | { kind: 'answer'; article: KnowledgeArticle; confidence: number; ranked: ScoredArticle[] }
  | { kind: 'clarify'; options: [ScoredArticle, ScoredArticle]; ranked: ScoredArticle[] }
  | { kind: 'none'; ranked: ScoredArticle[] };

/** Answers questions from the knowledge base; dialogs receive it, never a concrete engine. */
export interface KnowledgeService {
  /** Matches a question against the articles of the question's locale. */
  ask(question: string, locale: Locale): Promise<KnowledgeDecision>;
  /** Looks an article up by id, e.g. when the customer picked a clarify option. */
  getArticle(id: string, locale: Locale): KnowledgeArticle | undefined;
}

/**
 * A matching engine built over one fixed set of articles (every locale). Engines are immutable:
 * publishing builds a new one and swaps it in (see LiveKnowledgeService), so a question is
 * always answered by one consistent version of the knowledge base.
 */
export interface KnowledgeEngine {
  /** Ranks the articles of the question's locale and decides: answer, clarify or none. */
  decide(question: string, locale: Locale): KnowledgeDecision;
  /** The best `limit` articles of the locale with their calibrated confidence, for editors' "try a question". */
  rank(question: string, locale: Locale, limit: number): ScoredArticle[];
  getArticle(id: string, locale: Locale): KnowledgeArticle | undefined;
  /** Every article the engine was built from. */
  readonly articles: readonly KnowledgeArticle[];
}

/** Builds an engine from articles; called at start-up and on every publish. */
export type KnowledgeEngineBuilder = (articles: readonly KnowledgeArticle[]) => KnowledgeEngine;
