import { InvertedIndex } from './inverted-index';
import { type SparseVector, type TermCounts, Vectorizer, normalizedSum } from './features';
import { seededRandom, shuffle } from './random';

/** How a model is built; see `knowledgeEngineOptionsSchema` for what each setting means. */
export interface ModelSettings {
  wordShare: number;
  nearestWeight: number;
  centroidWeight: number;
  candidates: number;
  epochs: number;
  learningRate: number;
  extraWeight: number;
  noneScore: number;
  maxPostingsShare: number;
  seed: number;
}

/** The analysed texts of one article. */
export interface ArticleTerms {
  /** Example questions and the title: each is one training example. */
  examples: TermCounts[];
  /** Tags and body: only a weak pull on the article's centroid. */
  extra: TermCounts[];
  /** Words of the title and tags (as counted by `countTerms`): what the article says it is about. */
  names: TermCounts;
}

/** One candidate article for a question, with everything the decision and calibration use. */
export interface Candidate {
  /** Index of the article in the model's article list. */
  article: number;
  /** Combined score (a logit): similarity terms plus the linear model. */
  score: number;
  /** Softmax of `score` over the candidates and a "no article" option of logit `noneScore`. */
  probability: number;
  /** Cosine with the closest example question of the article. */
  nearest: number;
  /** Cosine with the article's centroid. */
  centroid: number;
}

/** Candidates best first, and how much of the question the vocabulary knew and how much it says. */
export interface Ranking {
  candidates: Candidate[];
  /** Share of the question's words (IDF-weighted) the knowledge base knows (`Vectorized.coverage`). */
  coverage: number;
  /** How much the question says compared with the example questions (`Vectorized.content`). */
  content: number;
  /** How specific the question's words are (`Vectorized.specificity`). */
  specificity: number;
}

interface Retrieved {
  articles: number[];
  offsets: number[];
  nearest: number[];
  centroid: number[];
}

/**
 * The matcher of one locale:
 * 1. TF-IDF vectors (word uni/bigrams and character n-grams) of every example question;
 * 2. nearest-example and centroid cosines through inverted indexes, which also shortlist
 *    `candidates` articles, so that cost does not grow with the size of the knowledge base;
 * 3. a linear model (softmax over the shortlist, weights hashed by feature and article, trained
 *    by SGD on the examples with leave-one-out similarities) that learns which words tell the
 *    shortlisted articles apart. Its logit is added to the weighted similarities.
 */
export class LocaleModel {
  private readonly vectorizer: Vectorizer;
  private readonly exampleArticle: Int32Array;
  private readonly exampleIndex: InvertedIndex;
  private readonly centroidIndex: InvertedIndex;
  private readonly centroidLengths: Float64Array;
  private readonly weights: Float32Array;
  private readonly mask: number;
  // Scratch space reused by every query (the engine is synchronous, so never shared).
  private readonly exampleScores: Float32Array;
  private readonly nearestScores: Float32Array;
  private readonly centroidScores: Float32Array;
  private readonly articleSeen: Uint8Array;

  constructor(
    readonly articleCount: number,
    articles: readonly ArticleTerms[],
    private readonly settings: ModelSettings,
  ) {
    const examples = articles.flatMap((article) => article.examples);
    this.vectorizer = new Vectorizer(examples, articles.flatMap((article) => article.extra), settings.wordShare, wordSpecificity(articles));
    const exampleVectors: SparseVector[] = [];
    const exampleArticle: number[] = [];
    const centroids: SparseVector[] = [];
    this.centroidLengths = new Float64Array(articleCount);
    articles.forEach((article, index) => {
      const vectors = article.examples.map((example) => this.vectorizer.vectorize(example).vector);
      for (const vector of vectors) {
        exampleVectors.push(vector);
        exampleArticle.push(index);
      }
      const extra = article.extra.map((terms) => ({ vector: this.vectorizer.vectorize(terms).vector, weight: settings.extraWeight }));
      const centroid = normalizedSum([...vectors.map((vector) => ({ vector, weight: 1 })), ...extra]);
      centroids.push(centroid.vector);
      this.centroidLengths[index] = centroid.length;
    });
    this.exampleArticle = Int32Array.from(exampleArticle);
    const size = this.vectorizer.size;
    this.exampleIndex = new InvertedIndex(exampleVectors, size, Math.max(200, Math.ceil(settings.maxPostingsShare * exampleVectors.length)));
    this.centroidIndex = new InvertedIndex(centroids, size, Math.max(200, Math.ceil(settings.maxPostingsShare * articleCount)));
    this.exampleScores = new Float32Array(exampleVectors.length);
    this.nearestScores = new Float32Array(articleCount);
    this.centroidScores = new Float32Array(articleCount);
    this.articleSeen = new Uint8Array(articleCount);

    const totalFeatures = exampleVectors.reduce((sum, vector) => sum + vector.ids.length, 0);
    const slots = Math.min(1 << 22, Math.max(1 << 12, nextPowerOfTwo(totalFeatures * 4)));
    this.weights = new Float32Array(slots);
    this.mask = slots - 1;
    if (settings.epochs > 0 && articleCount > 1) this.train(exampleVectors);
  }

  /** Ranks the shortlisted articles for a question. */
  rank(terms: TermCounts): Ranking {
    const { vector, coverage, content, specificity } = this.vectorizer.vectorize(terms);
    const retrieved = this.retrieve(vector, -1, -1);
    const linear = new Float64Array(retrieved.articles.length);
    this.linearScores(vector, retrieved.articles, linear);
    const scores = retrieved.articles.map((_, i) => (retrieved.offsets[i] ?? 0) + (linear[i] ?? 0));
    // A "no article" option with a fixed logit takes the mass when every candidate scores low, so
    // that a shortlist of weak matches does not look certain just because one is less weak.
    const probabilities = softmax([this.settings.noneScore, ...scores]).slice(1);
    const candidates = retrieved.articles.map(
      (article, i): Candidate => ({
        article,
        score: scores[i] ?? 0,
        probability: probabilities[i] ?? 0,
        nearest: retrieved.nearest[i] ?? 0,
        centroid: retrieved.centroid[i] ?? 0,
      }),
    );
    candidates.sort((a, b) => b.score - a.score || a.article - b.article);
    return { candidates, coverage, content, specificity };
  }

  /**
   * Similarities and the shortlist. `exclude` leaves one example out (training: a question must
   * not find itself), `force` keeps its article on the shortlist (training: the right answer).
   */
  private retrieve(query: SparseVector, exclude: number, force: number): Retrieved {
    const { exampleScores, nearestScores, centroidScores, articleSeen, exampleArticle } = this;
    const touchedExamples: number[] = [];
    const touchedArticles: number[] = [];
    this.exampleIndex.accumulate(query, exampleScores, touchedExamples);
    for (const example of touchedExamples) {
      const score = exampleScores[example] ?? 0;
      exampleScores[example] = 0;
      if (example === exclude) continue;
      const article = exampleArticle[example] ?? 0;
      if (articleSeen[article] === 0) {
        articleSeen[article] = 1;
        touchedArticles.push(article);
      }
      if (score > (nearestScores[article] ?? 0)) nearestScores[article] = score;
    }
    const touchedCentroids: number[] = [];
    this.centroidIndex.accumulate(query, centroidScores, touchedCentroids);
    for (const article of touchedCentroids) {
      if (articleSeen[article] === 0) {
        articleSeen[article] = 1;
        touchedArticles.push(article);
      }
    }
    if (exclude >= 0) {
      // Leave the question out of its own article's centroid too (sum minus one unit vector).
      const article = exampleArticle[exclude] ?? 0;
      const length = this.centroidLengths[article] ?? 0;
      // Only the features the centroid index scored took part in the dot product.
      const selfDot = dotSelf(query, this.centroidIndex);
      const withSelf = (centroidScores[article] ?? 0) * length;
      const restSquared = length * length - 2 * withSelf + selfDot;
      centroidScores[article] = restSquared > 1e-6 ? Math.max(0, (withSelf - selfDot) / Math.sqrt(restSquared)) : 0;
    }
    if (force >= 0 && articleSeen[force] === 0) {
      articleSeen[force] = 1;
      touchedArticles.push(force);
    }

    const { nearestWeight, centroidWeight, candidates } = this.settings;
    const top = new TopK(candidates);
    for (const article of touchedArticles) {
      if (article === force) continue;
      top.offer(article, nearestWeight * (nearestScores[article] ?? 0) + centroidWeight * (centroidScores[article] ?? 0));
    }
    const chosen = top.items();
    if (force >= 0) chosen.push(force);
    const result: Retrieved = { articles: chosen, offsets: [], nearest: [], centroid: [] };
    for (const article of chosen) {
      const nearest = nearestScores[article] ?? 0;
      const centroid = centroidScores[article] ?? 0;
      result.nearest.push(nearest);
      result.centroid.push(centroid);
      result.offsets.push(nearestWeight * nearest + centroidWeight * centroid);
    }
    for (const article of touchedArticles) {
      nearestScores[article] = 0;
      centroidScores[article] = 0;
      articleSeen[article] = 0;
    }
    return result;
  }

  /** Linear logits of `articles` for `vector`, feature by feature (one weight row per feature). */
  private linearScores(vector: SparseVector, articles: readonly number[], into: Float64Array): void {
    const { weights, mask } = this;
    into.fill(0, 0, articles.length);
    for (let f = 0; f < vector.ids.length; f += 1) {
      const row = rowStart(vector.ids[f] ?? 0);
      const value = vector.values[f] ?? 0;
      for (let j = 0; j < articles.length; j += 1) into[j] = (into[j] ?? 0) + value * (weights[(row + (articles[j] ?? 0)) & mask] ?? 0);
    }
  }

  /**
   * SGD on the softmax over each example's shortlist. The shortlists and similarity offsets are
   * computed once, leaving the example out, so the linear part learns what similarity to the
   * other examples does not already say (for an article with one example: everything).
   */
  private train(vectors: readonly SparseVector[]): void {
    const { settings, weights, mask, exampleArticle } = this;
    const shortlists = vectors.map((vector, example) => this.retrieve(vector, example, exampleArticle[example] ?? 0));
    const random = seededRandom(settings.seed);
    const order = shuffle(
      vectors.map((_, i) => i),
      random,
    );
    const total = settings.epochs * vectors.length;
    const logits = new Float64Array(settings.candidates + 1);
    const gradients = new Float64Array(settings.candidates + 1);
    let step = 0;
    for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
      shuffle(order, random);
      for (const example of order) {
        // Linear decay: large steps first, small ones to settle.
        const rate = settings.learningRate * (1 - step / total);
        step += 1;
        const vector = vectors[example] as SparseVector;
        const { articles, offsets } = shortlists[example] as Retrieved;
        const target = exampleArticle[example] ?? 0;
        const count = articles.length;
        this.linearScores(vector, articles, logits);
        let max = Number.NEGATIVE_INFINITY;
        for (let j = 0; j < count; j += 1) {
          logits[j] = (logits[j] ?? 0) + (offsets[j] ?? 0);
          max = Math.max(max, logits[j] ?? 0);
        }
        let sum = 0;
        for (let j = 0; j < count; j += 1) sum += Math.exp((logits[j] ?? 0) - max);
        for (let j = 0; j < count; j += 1) {
          const probability = Math.exp((logits[j] ?? 0) - max) / sum;
          gradients[j] = rate * (probability - (articles[j] === target ? 1 : 0));
        }
        for (let f = 0; f < vector.ids.length; f += 1) {
          const row = rowStart(vector.ids[f] ?? 0);
          const value = vector.values[f] ?? 0;
          for (let j = 0; j < count; j += 1) {
            const change = gradients[j] ?? 0;
            if (change > -1e-6 && change < 1e-6) continue;
            const index = (row + (articles[j] ?? 0)) & mask;
            weights[index] = (weights[index] ?? 0) - change * value;
          }
        }
      }
    }
  }
}

/**
 * How much each word says about which article is meant, from 0 to 1: the share of its uses that
 * fall to the article using it most, with one use more in the denominator so that a word seen
 * once is not taken as proof. A use is an example question containing the word, or an article's
 * tags and body (counting once). A word of a title or tag names a topic: it scores 1 when the
 * articles naming it also hold at least half of its uses ("退款" names the refund articles and is
 * used mostly there), but not when the title merely contains it ("long" in "repairs taking too
 * long" is used by many articles). "优惠券" is specific; "找", "不到" or "not" are not.
 */
export function wordSpecificity(articles: readonly ArticleTerms[]): Map<string, number> {
  const uses = new Map<string, Map<number, number>>();
  const use = (term: string, article: number) => {
    const byArticle = uses.get(term) ?? new Map<number, number>();
    byArticle.set(article, (byArticle.get(article) ?? 0) + 1);
    uses.set(term, byArticle);
  };
  const isWord = (term: string) => term.startsWith('w|');
  articles.forEach((article, index) => {
    for (const example of article.examples) for (const term of example.word.keys()) if (isWord(term)) use(term, index);
    for (const term of new Set(article.extra.flatMap((terms) => [...terms.word.keys()].filter(isWord)))) use(term, index);
  });
  const namedBy = new Map<string, Set<number>>();
  articles.forEach((article, index) => {
    for (const term of article.names.word.keys()) if (isWord(term)) namedBy.set(term, (namedBy.get(term) ?? new Set<number>()).add(index));
  });
  const specificity = new Map<string, number>();
  for (const [term, byArticle] of uses) {
    let total = 0;
    let most = 0;
    let named = 0;
    const naming = namedBy.get(term);
    for (const [article, count] of byArticle) {
      total += count;
      most = Math.max(most, count);
      if (naming?.has(article)) named += count;
    }
    specificity.set(term, named * 2 >= total ? 1 : most / (total + 1));
  }
  return specificity;
}

/**
 * Where a feature's row of per-article weights starts in the hashed weight table (murmur3
 * finaliser). A row is contiguous, so scoring the shortlist for one feature touches few cache
 * lines; rows of different features may overlap, which acts like ordinary feature hashing.
 */
function rowStart(feature: number): number {
  let h = Math.imul(feature ^ 0x632be5ab, 0x9e3779b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x7feb352d);
  h ^= h >>> 15;
  return h >>> 0;
}

function dotSelf(vector: SparseVector, index: InvertedIndex): number {
  let sum = 0;
  for (let i = 0; i < vector.ids.length; i += 1) {
    if (index.skips(vector.ids[i] ?? 0)) continue;
    const value = vector.values[i] ?? 0;
    sum += value * value;
  }
  return sum;
}

function nextPowerOfTwo(n: number): number {
  let power = 1;
  while (power < n) power *= 2;
  return power;
}

/** Softmax, shifted by the maximum for numerical safety. */
export function softmax(scores: readonly number[]): number[] {
  const max = Math.max(...scores);
  const exps = scores.map((score) => Math.exp(score - max));
  const sum = exps.reduce((a, b) => a + b, 0);
  return exps.map((value) => value / sum);
}

/** The k best (id, score) pairs seen, kept in a small sorted array. */
class TopK {
  private readonly ids: number[] = [];
  private readonly scores: number[] = [];

  constructor(private readonly k: number) {}

  offer(id: number, score: number): void {
    const { ids, scores, k } = this;
    if (ids.length === k && score <= (scores[k - 1] ?? Number.NEGATIVE_INFINITY)) return;
    let position = ids.length === k ? k - 1 : ids.length;
    if (ids.length < k) {
      ids.push(id);
      scores.push(score);
    }
    while (position > 0 && (scores[position - 1] ?? 0) < score) {
      ids[position] = ids[position - 1] ?? 0;
      scores[position] = scores[position - 1] ?? 0;
      position -= 1;
    }
    ids[position] = id;
    scores[position] = score;
  }

  items(): number[] {
    return [...this.ids];
  }
}
