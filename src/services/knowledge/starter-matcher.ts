import { z } from 'zod';
import type { Locale } from '../../domain/complaint';
import type { KnowledgeArticle, KnowledgeDecision, KnowledgeService, ScoredArticle } from './knowledge-service';
import { isHanBigram, tokenize } from './tokenizer';

/** When the starter matcher answers, asks the customer to choose, or gives up. */
export const starterMatcherOptionsSchema = z.object({
  /** The best article must score at least this much to be offered at all. */
  answerThreshold: z.number().min(0).max(1),
  /** The best article must beat the runner-up by this much to be answered without asking. */
  clarifyMargin: z.number().min(0).max(1),
});
export type StarterMatcherOptions = z.infer<typeof starterMatcherOptionsSchema>;

/**
 * Tuned on the paraphrases and out-of-scope questions in starter-matcher.test.ts. Scores are
 * plain cosines, so a right match in the customer's own words often lands at 0.2-0.4; the
 * threshold sits above the best out-of-scope score seen there (0.153), because a wrong answer
 * costs more than 'none', which lets the dialog offer a complaint or a person instead.
 */
export const DEFAULT_STARTER_MATCHER_OPTIONS: StarterMatcherOptions = { answerThreshold: 0.18, clarifyMargin: 0.03 };

/** Weight of the closest single phrasing; the rest goes to all phrasings of the article together. */
const BEST_PHRASING_WEIGHT = 0.5;
/**
 * Unknown terms in a question count against every match, as they should ("你们老板是谁" shares
 * almost nothing with the articles). An unknown Han bigram is the exception: most straddle two
 * words ("款到", "底什") and would otherwise drown a good Chinese match, while the unknown
 * characters themselves still count in full as unigrams.
 */
const UNSEEN_HAN_BIGRAM_FACTOR = 0.3;
/** How many candidates a decision carries for review and for clarify prompts. */
const RANKED_LIMIT = 5;

/** A sparse TF-IDF vector of unit length. */
type TermVector = Map<string, number>;

interface IndexedArticle {
  article: KnowledgeArticle;
  /** One vector for the title, one per example question, one for all tags. */
  phrasings: TermVector[];
  /** All phrasings as one text, so a question mixing words from two phrasings still matches. */
  combined: TermVector;
}

interface LocaleIndex {
  idf: Map<string, number>;
  /** IDF of a term no article contains: it counts fully against every match. */
  unseenIdf: number;
  articles: IndexedArticle[];
}

/**
 * A simple, dependency-free matcher standing in until the jieba-based engine arrives:
 * TF-IDF cosine between the question and each article's title, example questions and tags,
 * half from the closest single phrasing and half from all of them together.
 * Questions only search the articles of their own locale.
 */
export class StarterKnowledgeService implements KnowledgeService {
  private readonly options: StarterMatcherOptions;
  private readonly indexes = new Map<Locale, LocaleIndex>();

  constructor(articles: readonly KnowledgeArticle[], options: Partial<StarterMatcherOptions> = {}) {
    this.options = starterMatcherOptionsSchema.parse({ ...DEFAULT_STARTER_MATCHER_OPTIONS, ...options });
    const locales = new Set(articles.map((article) => article.locale));
    for (const locale of locales) {
      this.indexes.set(locale, buildIndex(articles.filter((article) => article.locale === locale)));
    }
  }

  /** Scores every article of the locale and decides between answer, clarify and none. */
  async ask(question: string, locale: Locale): Promise<KnowledgeDecision> {
    const index = this.indexes.get(locale);
    const terms = tokenize(question);
    if (index === undefined || terms.length === 0) return { kind: 'none', ranked: [] };

    const query = vectorize(terms, index);
    const candidates = index.articles
      .map(({ article, phrasings, combined }) => {
        const best = Math.max(...phrasings.map((phrasing) => cosine(query, phrasing)));
        const score = BEST_PHRASING_WEIGHT * best + (1 - BEST_PHRASING_WEIGHT) * cosine(query, combined);
        return { article, score: roundScore(score) };
      })
      .filter((candidate) => candidate.score > 0)
      .sort((a, b) => b.score - a.score || a.article.id.localeCompare(b.article.id))
      .slice(0, RANKED_LIMIT);
    const ranked = candidates.map(toScoredArticle);

    const [first, second] = candidates;
    const { answerThreshold, clarifyMargin } = this.options;
    if (first === undefined || first.score < answerThreshold) return { kind: 'none', ranked };
    if (second === undefined || roundScore(first.score - second.score) >= clarifyMargin) {
      return { kind: 'answer', article: first.article, confidence: first.score, ranked };
    }
    // Two strong, close candidates: let the customer choose rather than guess.
    if (second.score >= answerThreshold) {
      return { kind: 'clarify', options: [toScoredArticle(first), toScoredArticle(second)], ranked };
    }
    // Barely ahead of a weak runner-up: not convincing enough to answer, nor to offer both.
    return { kind: 'none', ranked };
  }

  getArticle(id: string, locale: Locale): KnowledgeArticle | undefined {
    return this.indexes.get(locale)?.articles.find((entry) => entry.article.id === id)?.article;
  }
}

function buildIndex(articles: KnowledgeArticle[]): LocaleIndex {
  // Tags carry words customers use in passing. Joined into one phrasing, so that a tag two
  // articles share ("refund") cannot tie them on its own.
  const phrasingTerms = articles.map((article) => [article.title, ...article.questions, article.tags.join(' ')].map(tokenize));
  // Frequency across articles, not phrasings: a term that names one article's topic in all of
  // its phrasings is exactly what should count most.
  const articleFrequency = new Map<string, number>();
  for (const phrasings of phrasingTerms) {
    for (const term of new Set(phrasings.flat())) articleFrequency.set(term, (articleFrequency.get(term) ?? 0) + 1);
  }
  // Smoothed: a term in every article weighs almost nothing, an unseen one the most.
  const idfOf = (frequency: number) => Math.log((articles.length + 1) / (frequency + 0.5));
  const weights = {
    idf: new Map([...articleFrequency].map(([term, frequency]) => [term, idfOf(frequency)] as const)),
    unseenIdf: idfOf(0),
  };
  return {
    ...weights,
    articles: articles.map((article, i) => {
      const phrasings = phrasingTerms[i] ?? [];
      return {
        article,
        phrasings: phrasings.map((terms) => vectorize(terms, weights)),
        combined: vectorize(phrasings.flat(), weights),
      };
    }),
  };
}

/** Sublinear TF times IDF, scaled to unit length so that cosine is a plain dot product. */
function vectorize(terms: string[], weights: Pick<LocaleIndex, 'idf' | 'unseenIdf'>): TermVector {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  const vector: TermVector = new Map();
  let squares = 0;
  for (const [term, count] of counts) {
    const idf = weights.idf.get(term) ?? (isHanBigram(term) ? UNSEEN_HAN_BIGRAM_FACTOR : 1) * weights.unseenIdf;
    const weight = (1 + Math.log(count)) * idf;
    vector.set(term, weight);
    squares += weight * weight;
  }
  const length = Math.sqrt(squares);
  if (length > 0) for (const [term, weight] of vector) vector.set(term, weight / length);
  return vector;
}

function toScoredArticle({ article, score }: { article: KnowledgeArticle; score: number }): ScoredArticle {
  return { articleId: article.id, title: article.title, score };
}

/** Three decimals, so that the scores reported are exactly the ones the decision compared. */
function roundScore(score: number): number {
  return Math.round(score * 1000) / 1000;
}

function cosine(a: TermVector, b: TermVector): number {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  let dot = 0;
  for (const [term, weight] of small) dot += weight * (large.get(term) ?? 0);
  return Math.min(1, dot);
}
