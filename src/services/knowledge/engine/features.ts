import { type AnalyzedText, isStopWord } from './tokenizer';

/** A sparse vector: feature ids and their weights, same length, in no particular order. */
export interface SparseVector {
  ids: Int32Array;
  values: Float32Array;
}

/** Term frequencies of one text, in two blocks that are weighted separately. */
export interface TermCounts {
  /** Word unigrams ("w|refund") and bigrams ("b|refund not"). */
  word: Map<string, number>;
  /** Character n-grams ("c|ref"). */
  char: Map<string, number>;
}

/** How much one occurrence of a function word counts (see isStopWord). */
const STOP_WORD_COUNT = 0.5;

/** The terms the engine matches on, counted: word uni- and bigrams, and character n-grams. */
export function countTerms(analyzed: AnalyzedText): TermCounts {
  const word = new Map<string, number>();
  const char = new Map<string, number>();
  const add = (map: Map<string, number>, term: string, count = 1) => map.set(term, (map.get(term) ?? 0) + count);
  analyzed.words.forEach((current, index) => {
    add(word, `w|${current}`, isStopWord(current) ? STOP_WORD_COUNT : 1);
    const next = analyzed.words[index + 1];
    if (next !== undefined) add(word, `b|${current} ${next}`);
  });
  for (const gram of analyzed.charGrams) add(char, `c|${gram}`);
  return { word, char };
}

/** A TF-IDF vector of a text, with how much of the text the vocabulary knew. */
export interface Vectorized {
  vector: SparseVector;
  /**
   * Share of the text's word unigrams (IDF-weighted) that occur in the knowledge base:
   * questions about something else are made of words the articles never use.
   */
  coverage: number;
  /**
   * How much the text says: the IDF mass of its word unigrams (a function word counts half, a word
   * the base never saw counts at the highest IDF) over that of the example question at the lower
   * quartile, at most 1. A question saying as much as three example questions in four scores 1;
   * "找不到" or "not working" score less, however well their words are known.
   */
  content: number;
  /**
   * How specific the text is: the highest specificity (see `wordSpecificity` in locale-model.ts)
   * among its known words other than function words. A text all of whose words many articles use
   * alike ("找不到", "not working") is unspecific; one word that names a topic is enough.
   */
  specificity: number;
}

/** The example question whose information sets {@link Vectorized.content}'s scale, as a quantile. */
const CONTENT_QUANTILE = 0.25;

/**
 * TF-IDF over a fixed vocabulary. Sublinear term frequency times smoothed IDF; each block is
 * scaled to unit length and then weighted, so the dot product of two vectors is
 * `wordShare * cos(words) + (1 - wordShare) * cos(char n-grams)`.
 */
export class Vectorizer {
  private readonly ids = new Map<string, number>();
  private readonly idf: Float64Array;
  private readonly unseenIdf: number;
  private readonly wordScale: number;
  private readonly charScale: number;
  /** Information (see {@link Vectorizer.wordMass}) of the documents at {@link CONTENT_QUANTILE}; at least 1e-9. */
  private readonly referenceInformation: number;

  /**
   * @param documents texts whose document frequencies set the IDF (the example questions)
   * @param extra texts whose terms join the vocabulary without counting as documents (bodies)
   * @param wordSpecificity specificity of word unigrams ("w|退款"), 0 for those missing
   */
  constructor(
    documents: readonly TermCounts[],
    extra: readonly TermCounts[],
    wordShare: number,
    private readonly wordSpecificity: ReadonlyMap<string, number> = new Map(),
  ) {
    const frequencies: number[] = [];
    const intern = (term: string): number => {
      let id = this.ids.get(term);
      if (id === undefined) {
        id = frequencies.length;
        this.ids.set(term, id);
        frequencies.push(0);
      }
      return id;
    };
    for (const document of documents) {
      for (const block of [document.word, document.char]) {
        for (const term of block.keys()) {
          const id = intern(term);
          frequencies[id] = (frequencies[id] ?? 0) + 1;
        }
      }
    }
    for (const document of extra) for (const block of [document.word, document.char]) for (const term of block.keys()) intern(term);

    const n = documents.length;
    this.idf = Float64Array.from(frequencies, (df) => Math.log((n + 1) / (df + 1)) + 1);
    this.unseenIdf = Math.log(n + 1) + 1;
    this.wordScale = Math.sqrt(wordShare);
    this.charScale = Math.sqrt(1 - wordShare);
    const informations = documents.map((document) => this.wordMass(document).information).sort((a, b) => a - b);
    this.referenceInformation = Math.max(1e-9, informations[Math.floor(informations.length * CONTENT_QUANTILE)] ?? 0);
  }

  /** {@link Vectorized.content}'s IDF mass of a text, and its {@link Vectorized.specificity}. */
  private wordMass(terms: TermCounts): { information: number; specific: number } {
    let information = 0;
    let specific = 0;
    for (const [term, count] of terms.word) {
      if (!term.startsWith('w|')) continue;
      const id = this.ids.get(term);
      // A word the base has never seen says something too (whether the base knows it is coverage).
      const mass = Math.min(1, count) * (id === undefined ? this.unseenIdf : (this.idf[id] ?? 0));
      information += mass;
      if (id === undefined) continue;
      // Function words are no evidence of a topic, specific or not.
      if (isStopWord(term.slice(2))) continue;
      specific = Math.max(specific, this.wordSpecificity.get(term) ?? 0);
    }
    return { information, specific };
  }

  /** Number of distinct features. */
  get size(): number {
    return this.idf.length;
  }

  /** The vector of `terms`; terms outside the vocabulary are left out (and lower coverage). */
  vectorize(terms: TermCounts): Vectorized {
    const ids: number[] = [];
    const values: number[] = [];
    let known = 0;
    let total = 0;
    const addBlock = (block: Map<string, number>, scale: number, countsForCoverage: boolean) => {
      const start = ids.length;
      let squares = 0;
      for (const [term, count] of block) {
        const id = this.ids.get(term);
        const idf = id === undefined ? this.unseenIdf : (this.idf[id] ?? this.unseenIdf);
        if (countsForCoverage && term.startsWith('w|')) {
          total += idf;
          if (id !== undefined) known += idf;
        }
        if (id === undefined) continue;
        // Sublinear term frequency; a down-weighted function word (count < 1) keeps its fraction.
        const weight = (count < 1 ? count : 1 + Math.log(count)) * idf;
        ids.push(id);
        values.push(weight);
        squares += weight * weight;
      }
      const factor = squares > 0 ? scale / Math.sqrt(squares) : 0;
      for (let i = start; i < values.length; i += 1) values[i] = (values[i] ?? 0) * factor;
    };
    addBlock(terms.word, this.wordScale, true);
    const mass = this.wordMass(terms);
    addBlock(terms.char, this.charScale, false);
    return {
      vector: { ids: Int32Array.from(ids), values: Float32Array.from(values) },
      coverage: total > 0 ? known / total : 0,
      content: Math.min(1, mass.information / this.referenceInformation),
      specificity: mass.specific,
    };
  }
}

/** Dot product of two sparse vectors through a dense scratch copy of the first. */
export function dot(dense: Float32Array, vector: SparseVector): number {
  let sum = 0;
  for (let i = 0; i < vector.ids.length; i += 1) sum += (dense[vector.ids[i] ?? 0] ?? 0) * (vector.values[i] ?? 0);
  return sum;
}

/** Sum of vectors with weights, scaled to unit length (or left empty). */
export function normalizedSum(vectors: ReadonlyArray<{ vector: SparseVector; weight: number }>): { vector: SparseVector; length: number } {
  const sum = new Map<number, number>();
  for (const { vector, weight } of vectors) {
    for (let i = 0; i < vector.ids.length; i += 1) {
      const id = vector.ids[i] ?? 0;
      sum.set(id, (sum.get(id) ?? 0) + weight * (vector.values[i] ?? 0));
    }
  }
  let squares = 0;
  for (const value of sum.values()) squares += value * value;
  const length = Math.sqrt(squares);
  const ids = Int32Array.from(sum.keys());
  const values = Float32Array.from(sum.values(), (value) => (length > 0 ? value / length : 0));
  return { vector: { ids, values }, length };
}
