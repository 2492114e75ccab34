import type { SparseVector } from './features';

/**
 * Feature -> documents postings in flat typed arrays (compressed sparse columns), so that the
 * dot products of a question with every document sharing a feature cost one pass over those
 * postings: latency grows with the postings a question touches, not with the number of articles.
 */
export class InvertedIndex {
  private readonly starts: Int32Array;
  private readonly documents: Int32Array;
  private readonly weights: Float32Array;

  /**
   * @param maxPostings features in more documents than this are skipped when scoring: they weigh
   *   little (low IDF) and would dominate the cost on large knowledge bases.
   */
  constructor(
    vectors: readonly SparseVector[],
    vocabularySize: number,
    private readonly maxPostings: number,
  ) {
    const counts = new Int32Array(vocabularySize + 1);
    for (const vector of vectors) for (const id of vector.ids) counts[id + 1] = (counts[id + 1] ?? 0) + 1;
    for (let id = 0; id < vocabularySize; id += 1) counts[id + 1] = (counts[id + 1] ?? 0) + (counts[id] ?? 0);
    this.starts = counts;
    const total = counts[vocabularySize] ?? 0;
    this.documents = new Int32Array(total);
    this.weights = new Float32Array(total);
    const next = counts.slice(0, vocabularySize);
    vectors.forEach((vector, document) => {
      for (let i = 0; i < vector.ids.length; i += 1) {
        const id = vector.ids[i] ?? 0;
        const slot = next[id] ?? 0;
        this.documents[slot] = document;
        this.weights[slot] = vector.values[i] ?? 0;
        next[id] = slot + 1;
      }
    });
  }

  /** Whether scoring skips this feature (too many postings). */
  skips(feature: number): boolean {
    return (this.starts[feature + 1] ?? 0) - (this.starts[feature] ?? 0) > this.maxPostings;
  }

  /**
   * Adds `query . document` to `scores[document]` for every document sharing a feature with the
   * query; documents seen for the first time (score still 0) are appended to `touched`, so the
   * caller can read and then reset only those.
   */
  accumulate(query: SparseVector, scores: Float32Array, touched: number[]): void {
    const { starts, documents, weights } = this;
    for (let i = 0; i < query.ids.length; i += 1) {
      const id = query.ids[i] ?? 0;
      const start = starts[id] ?? 0;
      const end = starts[id + 1] ?? 0;
      if (end - start > this.maxPostings) continue;
      const value = query.values[i] ?? 0;
      for (let p = start; p < end; p += 1) {
        const document = documents[p] ?? 0;
        if (scores[document] === 0) touched.push(document);
        scores[document] = (scores[document] ?? 0) + value * (weights[p] ?? 0);
      }
    }
  }
}
