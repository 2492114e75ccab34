import { z } from 'zod';
import { englishFeatures } from './english-features';

/** The GoEmotions Ekman labels the English model predicts, in the order of its weights. */
export const ENGLISH_MODEL_CLASSES = ['anger', 'disgust', 'fear', 'joy', 'neutral', 'sadness', 'surprise'] as const;
export type EnglishModelClass = (typeof ENGLISH_MODEL_CLASSES)[number];

/** The shape of the generated weights module (see bench/train-emotion-en.ts). */
export const englishModelWeightsSchema = z.object({
  classes: z.array(z.enum(ENGLISH_MODEL_CLASSES)).length(ENGLISH_MODEL_CLASSES.length),
  bias: z.array(z.number()).length(ENGLISH_MODEL_CLASSES.length),
  /** Share of each class in the training data. */
  priors: z.array(z.number().min(0).max(1)).length(ENGLISH_MODEL_CLASSES.length),
  /** "feature<TAB>w1,w2,..." lines, one weight per class. */
  features: z.string(),
});
export type EnglishModelWeights = z.infer<typeof englishModelWeightsSchema>;

/** What the model says about one text. */
export interface EnglishPrediction {
  /** Probability of each class; they sum to 1. */
  probabilities: Record<EnglishModelClass, number>;
  /** Features of the text that pushed `of` up the most, strongest first (for the reasons). */
  cues(of: EnglishModelClass, limit: number): Array<{ feature: string; weight: number }>;
  /** Features of the text the model knows; 0 means the model only saw its bias. */
  knownFeatures: number;
}

/**
 * The trained English emotion model: multinomial logistic regression, binary features scaled
 * by 1/sqrt(feature count), exactly as the training script computes them.
 */
export class EnglishEmotionModel {
  private readonly weights = new Map<string, Float64Array>();
  private readonly bias: Float64Array;
  private readonly order: number[];
  /** Share of each class in the training data, in ENGLISH_MODEL_CLASSES order. */
  readonly priors: Record<EnglishModelClass, number>;

  constructor(source: EnglishModelWeights) {
    const parsed = englishModelWeightsSchema.parse(source);
    // Weights are stored in the file's class order; keep a map to ENGLISH_MODEL_CLASSES order.
    this.order = ENGLISH_MODEL_CLASSES.map((name) => parsed.classes.indexOf(name));
    this.bias = Float64Array.from(this.order, (i) => parsed.bias[i] as number);
    this.priors = Object.fromEntries(ENGLISH_MODEL_CLASSES.map((name, k) => [name, parsed.priors[this.order[k] as number] as number])) as Record<EnglishModelClass, number>;
    for (const line of parsed.features.split('\n')) {
      const tab = line.lastIndexOf('\t');
      if (tab < 0) continue;
      const values = line.slice(tab + 1).split(',').map(Number);
      if (values.length !== ENGLISH_MODEL_CLASSES.length || values.some((value) => !Number.isFinite(value))) {
        throw new Error(`EnglishEmotionModel: bad weights line "${line.slice(0, 40)}"`);
      }
      this.weights.set(line.slice(0, tab), Float64Array.from(this.order, (i) => values[i] as number));
    }
  }

  predict(text: string): EnglishPrediction {
    const features = [...new Set(englishFeatures(text))];
    const known = features.filter((feature) => this.weights.has(feature));
    const scale = 1 / Math.sqrt(Math.max(1, features.length));
    const scores = Array.from(this.bias);
    for (const feature of known) {
      const row = this.weights.get(feature) as Float64Array;
      row.forEach((weight, k) => {
        scores[k] = (scores[k] as number) + weight * scale;
      });
    }
    const max = Math.max(...scores);
    const exps = scores.map((score) => Math.exp(score - max));
    const sum = exps.reduce((a, b) => a + b, 0);
    const probabilities = Object.fromEntries(ENGLISH_MODEL_CLASSES.map((name, k) => [name, (exps[k] as number) / sum])) as Record<EnglishModelClass, number>;
    const cues = (of: EnglishModelClass, limit: number) => {
      const k = ENGLISH_MODEL_CLASSES.indexOf(of);
      return known
        .map((feature) => ({ feature, weight: Math.round(((this.weights.get(feature) as Float64Array)[k] as number) * 100) / 100 }))
        .filter((cue) => cue.weight > 0)
        .sort((a, b) => b.weight - a.weight)
        .slice(0, limit);
    };
    return { probabilities, cues, knownFeatures: known.length };
  }
}
