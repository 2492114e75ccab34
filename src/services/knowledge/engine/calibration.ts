import type { Ranking } from './locale-model';

/**
 * What the calibrator reads from a ranking, each between 0 and 1 and each such that more means
 * "more likely right": the top candidate's softmax probability, its lead over the runner-up,
 * its cosine with its closest example question and with its centroid, and how much of the
 * question the knowledge base's vocabulary knows.
 */
export const CALIBRATION_FEATURES = ['probability', 'lead', 'nearest', 'centroid', 'coverage'] as const;

/** A logistic model from the features above to the probability that the top answer is right. */
export interface Calibrator {
  bias: number;
  /** One weight per feature, in the order of {@link CALIBRATION_FEATURES}; never negative. */
  weights: number[];
}

/**
 * Used on its own when a knowledge base has a single article (nothing to hold out), and as the
 * prior every fitted calibrator is pulled towards, so that a base of ten articles does not fit
 * its calibration to thirty questions alone. The rounded mean of the calibrators fitted on the
 * banking77 and clinc150 train sets (held-out rounds as in training.ts; see docs/knowledge.md).
 */
export const PRIOR_CALIBRATOR: Calibrator = { bias: -6, weights: [3.15, 2.6, 3, 0.55, 2.25] };

/** One held-out question: its features and whether the top candidate was the right article. */
export interface CalibrationSample {
  features: number[];
  correct: boolean;
}

/** The calibrator's input for the top candidate of a ranking (which must not be empty). */
export function calibrationFeatures(ranking: Ranking): number[] {
  const [first, second] = ranking.candidates;
  if (first === undefined) return CALIBRATION_FEATURES.map(() => 0);
  return [first.probability, first.probability - (second?.probability ?? 0), first.nearest, first.centroid, ranking.coverage];
}

/** Probability that the top candidate is right. Non-decreasing in every feature. */
export function calibratedConfidence(calibrator: Calibrator, features: readonly number[]): number {
  let z = calibrator.bias;
  calibrator.weights.forEach((weight, i) => {
    z += weight * (features[i] ?? 0);
  });
  return 1 / (1 + Math.exp(-z));
}

/**
 * Fits the calibrator by maximum a posteriori logistic regression: log loss on the samples plus
 * `priorStrength / 2 * |w - prior|^2`, with every weight kept at or above 0 (projected gradient
 * steps), so that confidence can only grow with a better match. Monotonicity is what makes the
 * thresholds mean the same thing on every knowledge base.
 */
export function fitCalibrator(samples: readonly CalibrationSample[], prior: Calibrator, priorStrength = 10): Calibrator {
  const dimensions = prior.weights.length;
  const parameters = [prior.bias, ...prior.weights];
  const priorParameters = [...parameters];
  // Adam: the features have different scales (lead is often tiny, coverage near 1).
  const m = parameters.map(() => 0);
  const v = parameters.map(() => 0);
  const rate = 0.05;
  const n = Math.max(1, samples.length);
  for (let step = 1; step <= 600; step += 1) {
    const gradient = parameters.map((value, i) => (priorStrength * (value - (priorParameters[i] ?? 0))) / n);
    for (const sample of samples) {
      let z = parameters[0] ?? 0;
      for (let d = 0; d < dimensions; d += 1) z += (parameters[d + 1] ?? 0) * (sample.features[d] ?? 0);
      const error = 1 / (1 + Math.exp(-z)) - (sample.correct ? 1 : 0);
      gradient[0] = (gradient[0] ?? 0) + error / n;
      for (let d = 0; d < dimensions; d += 1) gradient[d + 1] = (gradient[d + 1] ?? 0) + (error * (sample.features[d] ?? 0)) / n;
    }
    parameters.forEach((value, i) => {
      const g = gradient[i] ?? 0;
      m[i] = 0.9 * (m[i] ?? 0) + 0.1 * g;
      v[i] = 0.999 * (v[i] ?? 0) + 0.001 * g * g;
      const mHat = (m[i] ?? 0) / (1 - 0.9 ** step);
      const vHat = (v[i] ?? 0) / (1 - 0.999 ** step);
      const next = value - (rate * mHat) / (Math.sqrt(vHat) + 1e-8);
      parameters[i] = i === 0 ? next : Math.max(0, next);
    });
  }
  return { bias: parameters[0] ?? 0, weights: parameters.slice(1) };
}
