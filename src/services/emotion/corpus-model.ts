import { z } from 'zod';

/**
 * One line of the project's own corpus (src/services/emotion/corpus/*.jsonl): a text written for
 * this project, its polarity and its emotion.
 */
export const corpusLineSchema = z
  .object({
    text: z.string().min(1),
    polarity: z.enum(['negative', 'positive', 'neutral']),
    emotion: z.enum(['anger', 'frustration', 'anxiety', 'sadness', 'neutral', 'positive']),
  })
  .strict();
export type CorpusLine = z.infer<typeof corpusLineSchema>;

/** The shape of one generated corpus model (see bench/train-emotion-corpus.ts). */
export const corpusModelWeightsSchema = z.object({
  /** What the positive class is, e.g. "zh negative polarity". */
  target: z.string(),
  bias: z.number(),
  /** Share of the positive class in the training data. */
  prior: z.number().min(0).max(1),
  /** "feature<TAB>weight" lines. */
  features: z.string(),
});
export type CorpusModelWeights = z.infer<typeof corpusModelWeightsSchema>;

/** What a corpus model says about one text. */
export interface CorpusPrediction {
  /** Probability of the positive class. */
  probability: number;
  /** Features of the text that pushed the probability up the most, strongest first. */
  cues(limit: number): Array<{ feature: string; weight: number }>;
}

/**
 * A binary logistic regression over binary features scaled by 1/sqrt(feature count), trained
 * on the corpus the project wrote itself (src/services/emotion/corpus). The features come from
 * corpus-features.ts, exactly as the training script computes them.
 */
export class CorpusModel {
  private readonly weights = new Map<string, number>();
  private readonly bias: number;
  readonly prior: number;

  constructor(
    source: CorpusModelWeights,
    private readonly featuresOf: (text: string) => string[],
  ) {
    const parsed = corpusModelWeightsSchema.parse(source);
    this.bias = parsed.bias;
    this.prior = parsed.prior;
    for (const line of parsed.features.split('\n')) {
      if (line === '') continue;
      const tab = line.lastIndexOf('\t');
      const weight = Number(line.slice(tab + 1));
      if (tab < 0 || !Number.isFinite(weight)) throw new Error(`CorpusModel (${parsed.target}): bad weights line "${line.slice(0, 40)}"`);
      this.weights.set(line.slice(0, tab), weight);
    }
  }

  predict(text: string): CorpusPrediction {
    const features = [...new Set(this.featuresOf(text))];
    const scale = 1 / Math.sqrt(Math.max(1, features.length));
    let score = this.bias;
    const known: Array<{ feature: string; weight: number }> = [];
    for (const feature of features) {
      const weight = this.weights.get(feature);
      if (weight === undefined) continue;
      score += weight * scale;
      known.push({ feature, weight });
    }
    return {
      probability: 1 / (1 + Math.exp(-score)),
      cues: (limit) =>
        known
          .filter((cue) => cue.weight > 0)
          .sort((a, b) => b.weight - a.weight)
          .slice(0, limit)
          .map((cue) => ({ feature: cue.feature.replace(/^[cg]:/, ''), weight: Math.round(cue.weight * 100) / 100 })),
    };
  }
}
