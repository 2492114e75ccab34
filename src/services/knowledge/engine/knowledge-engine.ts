import type { Locale } from '../../../domain/complaint';
import type { KnowledgeArticle, KnowledgeDecision, KnowledgeEngine, KnowledgeService, ScoredArticle } from '../knowledge-service';
import { type Calibrator, calibratedConfidence, calibrationFeatures } from './calibration';
import { chooseDecision, roundConfidence } from './decision';
import { countTerms } from './features';
import type { LocaleModel } from './locale-model';
import { DEFAULT_KNOWLEDGE_ENGINE_OPTIONS, type KnowledgeEngineOptions, knowledgeEngineOptionsSchema } from './options';
import { type AnalyzedText, analyzeText, isStopWord, isVagueWord } from './tokenizer';
import { type ArticleTexts, trainMatcher } from './training';

/** How many candidates a decision carries for review and for clarify prompts. */
const RANKED_LIMIT = 5;

interface LocaleMatcher {
  articles: KnowledgeArticle[];
  byId: Map<string, KnowledgeArticle>;
  model: LocaleModel;
  calibrator: Calibrator;
}

/** An article and its calibrated confidence, best first. */
interface Confident {
  article: KnowledgeArticle;
  confidence: number;
}

/**
 * The knowledge engine: one matcher per locale (see {@link LocaleModel} and {@link trainMatcher}),
 * answers on the calibrated probability of being right. Immutable once built.
 */
class CalibratedKnowledgeEngine implements KnowledgeEngine, KnowledgeService {
  private readonly matchers = new Map<Locale, LocaleMatcher>();

  constructor(
    readonly articles: readonly KnowledgeArticle[],
    private readonly options: KnowledgeEngineOptions,
  ) {
    const locales = [...new Set(articles.map((article) => article.locale))];
    for (const locale of locales) {
      const own = articles.filter((article) => article.locale === locale);
      const { model, calibrator } = trainMatcher(own.map(articleTexts), options);
      this.matchers.set(locale, { articles: own, byId: new Map(own.map((article) => [article.id, article])), model, calibrator });
    }
  }

  async ask(question: string, locale: Locale): Promise<KnowledgeDecision> {
    return this.decide(question, locale);
  }

  decide(question: string, locale: Locale): KnowledgeDecision {
    const analyzed = analyzeText(question);
    const confident = this.confident(analyzed, locale, RANKED_LIMIT);
    const ranked = confident.map(toScoredArticle);
    // "不对", "用不了", "it doesn't work": whatever matched, the message does not say what is wrong.
    if (onlySaysSomethingIsWrong(analyzed)) return { kind: 'none', ranked };
    const [first, second] = confident;
    const kind = chooseDecision(first?.confidence, second?.confidence, this.options);
    if (kind === 'answer' && first !== undefined) return { kind, article: first.article, confidence: first.confidence, ranked };
    if (kind === 'clarify' && first !== undefined && second !== undefined) {
      return { kind, options: [toScoredArticle(first), toScoredArticle(second)], ranked };
    }
    return { kind: 'none', ranked };
  }

  rank(question: string, locale: Locale, limit: number): ScoredArticle[] {
    return this.confident(analyzeText(question), locale, limit).map(toScoredArticle);
  }

  getArticle(id: string, locale: Locale): KnowledgeArticle | undefined {
    return this.matchers.get(locale)?.byId.get(id);
  }

  /**
   * The best articles with confidences: the top one's is calibrated; the others' are scaled by
   * their softmax ratio to it, so the list stays ordered and sums to at most about 1.
   */
  private confident(question: AnalyzedText, locale: Locale, limit: number): Confident[] {
    const matcher = this.matchers.get(locale);
    if (matcher === undefined || limit <= 0) return [];
    const ranking = matcher.model.rank(countTerms(question));
    const top = ranking.candidates[0];
    if (top === undefined) return [];
    const confidence = calibratedConfidence(matcher.calibrator, calibrationFeatures(ranking));
    return ranking.candidates
      .slice(0, limit)
      .map((candidate) => ({
        article: matcher.articles[candidate.article] as KnowledgeArticle,
        confidence: roundConfidence((confidence * candidate.probability) / top.probability),
      }))
      .filter((candidate) => candidate.confidence > 0);
  }
}

/**
 * What the engine learns from an article: questions and title fully, tags and body weakly; the
 * words of the title and tags also say what the article is about.
 */
function articleTexts(article: KnowledgeArticle): ArticleTexts {
  const examples = [...article.questions, article.title].filter((text) => text.trim().length > 0).map(analyzeText);
  const extra = [article.tags.join(' '), article.body].filter((text) => text.trim().length > 0).map(analyzeText);
  const names = [article.title, ...article.tags].flatMap((text) => analyzeText(text).words);
  return { examples, extra, names };
}

function toScoredArticle({ article, confidence }: Confident): ScoredArticle {
  return { articleId: article.id, title: article.title, score: confidence };
}

/**
 * Builds the engine over `articles` (every locale); `options` override
 * {@link DEFAULT_KNOWLEDGE_ENGINE_OPTIONS} and are validated. Synchronous: each locale trains
 * its calibration rounds and its final model (the bundled base, 72 articles, takes under a
 * second once jieba's dictionary is loaded; see docs/knowledge.md).
 */
export function buildKnowledgeEngine(
  articles: readonly KnowledgeArticle[],
  options: Partial<KnowledgeEngineOptions> = {},
): KnowledgeEngine & KnowledgeService {
  // Unset overrides (e.g. a threshold missing from the environment) keep their default.
  const given = Object.fromEntries(Object.entries(options).filter(([, value]) => value !== undefined));
  return new CalibratedKnowledgeEngine(articles, knowledgeEngineOptionsSchema.parse({ ...DEFAULT_KNOWLEDGE_ENGINE_OPTIONS, ...given }));
}

/**
 * Whether a message is made only of function words and words that say something is wrong without
 * saying what ({@link isVagueWord}), with at least one of the latter: "不对", "还是不行", "用不了",
 * "it doesn't work", "wrong". The calibration learns that short generic messages are often wrong
 * answers, but a few example questions of one article using such a word ("优惠券用不了") can
 * still make the match look confident; the dialog then offers a complaint or a person instead.
 */
function onlySaysSomethingIsWrong(text: AnalyzedText): boolean {
  return text.words.some(isVagueWord) && text.words.every((word) => isVagueWord(word) || isStopWord(word));
}
