import type { Ranking } from './locale-model';

/**
 * What the calibrator reads from a ranking, each between 0 and 1 and each such that more means
 * "more likely right". How well the top candidate matched: its softmax probability, its lead over
 * the runner-up, its cosine with its closest example question and with its centroid, and how much
 * of the question the knowledge base's vocabulary knows. What the question says (the
 * {@link SHORTFALL_FEATURES}): `content`, its words' IDF mass against the example questions', and
 * `focus`, 1 - (1 - content) * (1 - specificity), which is 1 when the question says enough or has
 * a word specific to an article or naming a topic. A cosine computed on one or two words is high
 * whenever an example contains them, so "找不到" matches "领的券怎么找不到了" about as well as a
 * real question matches its paraphrase; the last two features tell them apart.
 */
export const CALIBRATION_FEATURES = ['probability', 'lead', 'nearest', 'centroid', 'coverage', 'content', 'focus'] as const;

/**
 * The features that measure what the question says rather than how well it matched: a question
 * saying as much as most example questions scores 1 on both, and the second stage of the fit
 * ({@link fitShortfall}) only ever lowers the confidence of one that says less.
 */
export const SHORTFALL_FEATURES: ReadonlyArray<(typeof CALIBRATION_FEATURES)[number]> = ['content', 'focus'];
const SHORTFALL = CALIBRATION_FEATURES.map((feature) => SHORTFALL_FEATURES.includes(feature));

/** Strength of the pull towards {@link PRIOR_CALIBRATOR} (see {@link fitCalibrator}). */
const PRIOR_STRENGTH = 10;

/** A logistic model from the features above to the probability that the top answer is right. */
export interface Calibrator {
  bias: number;
  /** One weight per feature, in the order of {@link CALIBRATION_FEATURES}; never negative. */
  weights: number[];
}

/**
 * Used on its own when a knowledge base has a single article (nothing to hold out), and as the
 * prior every fitted calibrator is pulled towards, so that a base of ten articles does not fit
 * its calibration to thirty questions alone. The match weights and -6 are the rounded mean of the
 * calibrators fitted on the banking77 and clinc150 train sets (unchanged since before the
 * shortfall features); the shortfall weights (content, focus) are the rounded mean of the second
 * stages fitted on the same sets (see docs/knowledge.md), and lower the bias by as much, so that a
 * question scoring 1 on them gets what the match weights alone give.
 */
export const PRIOR_CALIBRATOR: Calibrator = { bias: -6 - 2.1 - 2.85, weights: [3.15, 2.6, 3, 0.55, 2.25, 2.1, 2.85] };

/** One question asked in calibration: its features and whether the top candidate was the right article. */
export interface CalibrationSample {
  features: number[];
  correct: boolean;
}

/** The calibrator's input for the top candidate of a ranking (which must not be empty). */
export function calibrationFeatures(ranking: Ranking): number[] {
  const [first, second] = ranking.candidates;
  if (first === undefined) return CALIBRATION_FEATURES.map(() => 0);
  const focus = 1 - (1 - ranking.content) * (1 - ranking.specificity);
  return [first.probability, first.probability - (second?.probability ?? 0), first.nearest, first.centroid, ranking.coverage, ranking.content, focus];
}

/** Probability that the top candidate is right. Non-decreasing in every feature. */
export function calibratedConfidence(calibrator: Calibrator, features: readonly number[]): number {
  return 1 / (1 + Math.exp(-logit(calibrator, features)));
}

/** The log-odds behind {@link calibratedConfidence}. */
function logit(calibrator: Calibrator, features: readonly number[]): number {
  let z = calibrator.bias;
  calibrator.weights.forEach((weight, i) => {
    z += weight * (features[i] ?? 0);
  });
  return z;
}

/**
 * Fits a calibrator by maximum a posteriori logistic regression: log loss on the samples plus
 * `priorStrength / 2 * |w - prior|^2`, with every weight kept at or above 0 (projected gradient
 * steps), so that confidence can only grow with a better match. Monotonicity is what makes the
 * thresholds mean the same thing on every knowledge base. Weights not `free` stay at the prior's.
 */
export function fitCalibrator(
  samples: readonly CalibrationSample[],
  prior: Calibrator,
  priorStrength = PRIOR_STRENGTH,
  free: readonly boolean[] = prior.weights.map(() => true),
): Calibrator {
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
      if (i === 0) parameters[i] = next;
      else if (free[i - 1] !== false) parameters[i] = Math.max(0, next);
    });
  }
  return { bias: parameters[0] ?? 0, weights: parameters.slice(1) };
}

/**
 * The calibration of one knowledge base, in two stages. First the match weights and the bias, on
 * whole held-out questions only, exactly as if the shortfall features did not exist; then only the
 * shortfall weights, on every sample (whole questions, fragments of them and content-poor
 * messages). A question saying as much as most example questions therefore keeps the confidence
 * of the first stage, and the base's own short messages decide how much less a short or
 * unspecific one gets.
 */
export function fitCalibration(whole: readonly CalibrationSample[], short: readonly CalibrationSample[], prior: Calibrator = PRIOR_CALIBRATOR): Calibrator {
  const { match, shortfallWeights } = splitShortfall(prior);
  const fitted = fitCalibrator(whole, match, PRIOR_STRENGTH, SHORTFALL.map((shortfall) => !shortfall));
  return fitShortfall([...whole, ...short], fitted, shortfallWeights);
}

/** The calibrator without its shortfall terms (bias as for a question scoring 1 on them), and their weights. */
function splitShortfall(calibrator: Calibrator): { match: Calibrator; shortfallWeights: number[] } {
  let bias = calibrator.bias;
  const shortfallWeights: number[] = [];
  const weights = calibrator.weights.map((weight, i) => {
    if (!SHORTFALL[i]) return weight;
    bias += weight;
    shortfallWeights.push(weight);
    return 0;
  });
  return { match: { bias, weights }, shortfallWeights };
}

/**
 * Second stage of {@link fitCalibration}: with `match` fixed, fits only the weights w >= 0 of the
 * shortfall features f, as z = match(z) - sum w * (1 - f), by MAP. Each weight's prior counts as
 * `priorStrength` samples (the penalty is scaled by the feature's variance), so that the base's
 * own short messages, not the intent data sets behind the prior, decide: these features vary
 * little across whole questions, and an unscaled prior would hold the weights where it put them.
 * Returned in the calibrator's usual form (bias lowered by sum w).
 */
export function fitShortfall(samples: readonly CalibrationSample[], match: Calibrator, priorWeights: readonly number[], priorStrength = PRIOR_STRENGTH): Calibrator {
  const n = Math.max(1, samples.length);
  const indexes = CALIBRATION_FEATURES.flatMap((_, i) => (SHORTFALL[i] ? [i] : []));
  const offsets = samples.map((sample) => logit(match, sample.features));
  const shortfalls = samples.map((sample) => indexes.map((i) => 1 - (sample.features[i] ?? 0)));
  // Curvature of the log loss along each weight at p = 1/2: variance times 1/4.
  const scales = indexes.map((_, k) => Math.max(1e-3, variance(shortfalls.map((shortfall) => shortfall[k] ?? 0))) / 4);
  const weights = [...priorWeights];
  // Adam, as in fitCalibrator.
  const m = weights.map(() => 0);
  const v = weights.map(() => 0);
  for (let step = 1; step <= 600; step += 1) {
    const gradient = weights.map((value, k) => (priorStrength * (scales[k] ?? 1) * (value - (priorWeights[k] ?? 0))) / n);
    samples.forEach((sample, i) => {
      const shortfall = shortfalls[i] ?? [];
      let z = offsets[i] ?? 0;
      weights.forEach((weight, k) => {
        z -= weight * (shortfall[k] ?? 0);
      });
      const error = 1 / (1 + Math.exp(-z)) - (sample.correct ? 1 : 0);
      weights.forEach((_, k) => {
        gradient[k] = (gradient[k] ?? 0) - (error * (shortfall[k] ?? 0)) / n;
      });
    });
    weights.forEach((value, k) => {
      const g = gradient[k] ?? 0;
      m[k] = 0.9 * (m[k] ?? 0) + 0.1 * g;
      v[k] = 0.999 * (v[k] ?? 0) + 0.001 * g * g;
      const mHat = (m[k] ?? 0) / (1 - 0.9 ** step);
      const vHat = (v[k] ?? 0) / (1 - 0.999 ** step);
      weights[k] = Math.max(0, value - (0.05 * mHat) / (Math.sqrt(vHat) + 1e-8));
    });
  }
  let bias = match.bias;
  let k = 0;
  const all = match.weights.map((value, i) => {
    if (!SHORTFALL[i]) return value;
    const weight = weights[k] ?? 0;
    k += 1;
    bias -= weight;
    return weight;
  });
  return { bias, weights: all };
}

function variance(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const mean = values.reduce((sum, value) => sum + value, 0) / values.length;
  return values.reduce((sum, value) => sum + (value - mean) * (value - mean), 0) / values.length;
}
