import { CALIBRATION_FEATURES, PRIOR_CALIBRATOR, calibratedConfidence, calibrationFeatures, fitCalibration, fitCalibrator, fitShortfall } from './calibration';
import { seededRandom } from './random';

describe('calibratedConfidence', () => {
  it.each(CALIBRATION_FEATURES.map((name, index) => [name, index] as const))('never decreases when %s grows', (_, index) => {
    const random = seededRandom(index + 1);
    for (let trial = 0; trial < 200; trial += 1) {
      const features = CALIBRATION_FEATURES.map(() => random());
      const higher = [...features];
      higher[index] = (higher[index] ?? 0) + random() * (1 - (higher[index] ?? 0));
      expect(calibratedConfidence(PRIOR_CALIBRATOR, higher)).toBeGreaterThanOrEqual(calibratedConfidence(PRIOR_CALIBRATOR, features));
    }
  });

  it('stays between 0 and 1', () => {
    expect(calibratedConfidence(PRIOR_CALIBRATOR, CALIBRATION_FEATURES.map(() => 0))).toBeGreaterThan(0);
    expect(calibratedConfidence(PRIOR_CALIBRATOR, CALIBRATION_FEATURES.map(() => 1))).toBeLessThan(1);
  });
});

/** Features of a whole question: the match varies, content and focus are 1. */
function whole(nearest: number): number[] {
  return [0.5, 0.2, nearest, 0.5, 0.9, 1, 1];
}

describe('fitCalibrator', () => {
  // Right answers come with a high nearest-example cosine, wrong ones with a low one, with noise.
  const random = seededRandom(7);
  const samples = Array.from({ length: 600 }, () => {
    const nearest = random();
    const correct = random() < nearest;
    return { features: whole(nearest), correct };
  });

  it('learns a confidence that tracks the observed rate of right answers', () => {
    const fitted = fitCalibrator(samples, PRIOR_CALIBRATOR, 0);
    const at = (nearest: number) => calibratedConfidence(fitted, whole(nearest));

    expect(at(0.1)).toBeLessThan(0.3);
    expect(at(0.9)).toBeGreaterThan(0.7);
    expect(at(0.5)).toBeGreaterThan(0.35);
    expect(at(0.5)).toBeLessThan(0.65);
  });

  it('keeps every weight non-negative even when the data suggest otherwise', () => {
    const inverted = samples.map((sample) => ({ ...sample, correct: !sample.correct }));

    const fitted = fitCalibrator(inverted, PRIOR_CALIBRATOR, 0);

    expect(fitted.weights.every((weight) => weight >= 0)).toBe(true);
    expect(fitted.weights[2]).toBe(0);
  });

  it('leaves the weights that are not free at the prior', () => {
    const free = CALIBRATION_FEATURES.map((feature) => feature !== 'nearest');

    const fitted = fitCalibrator(samples, PRIOR_CALIBRATOR, 0, free);

    expect(fitted.weights[2]).toBe(PRIOR_CALIBRATOR.weights[2]);
  });

  it('stays at the prior without samples', () => {
    expect(fitCalibrator([], PRIOR_CALIBRATOR)).toEqual(PRIOR_CALIBRATOR);
  });
});

describe('fitShortfall and fitCalibration', () => {
  const random = seededRandom(11);
  const match = { bias: -2, weights: [0, 0, 4, 0, 0, 0, 0] };
  // Whole questions are right as often as their nearest cosine says; messages of little content
  // with the same cosines are never right.
  const wholeSamples = Array.from({ length: 400 }, () => {
    const nearest = random();
    return { features: whole(nearest), correct: random() < 1 / (1 + Math.exp(2 - 4 * nearest)) };
  });
  const poorSamples = Array.from({ length: 200 }, () => ({ features: [0.5, 0.2, random(), 0.5, 0.9, 0.3, 0.3], correct: false }));

  it('lowers the confidence of messages that say little and leaves whole questions where they were', () => {
    const fitted = fitShortfall([...wholeSamples, ...poorSamples], match, [0, 0]);

    expect(fitted.weights.slice(0, 5)).toEqual(match.weights.slice(0, 5));
    expect(calibratedConfidence(fitted, whole(0.8))).toBeCloseTo(calibratedConfidence(match, whole(0.8)), 10);
    expect(calibratedConfidence(fitted, [0.5, 0.2, 0.8, 0.5, 0.9, 0.3, 0.3])).toBeLessThan(0.5 * calibratedConfidence(match, whole(0.8)));
  });

  it('keeps the shortfall weights non-negative when short messages are right more often', () => {
    const rightShort = poorSamples.map((sample) => ({ ...sample, correct: true }));

    const fitted = fitShortfall([...wholeSamples, ...rightShort], match, [0, 0]);

    expect(fitted.weights.every((weight) => weight >= 0)).toBe(true);
    expect(calibratedConfidence(fitted, whole(0.5))).toBeCloseTo(calibratedConfidence(match, whole(0.5)), 10);
  });

  it('fits the match weights on whole questions only', () => {
    const withPoor = fitCalibration(wholeSamples, poorSamples);
    const withoutPoor = fitCalibration(wholeSamples, []);

    expect(withPoor.weights.slice(0, 5)).toEqual(withoutPoor.weights.slice(0, 5));
    expect(withPoor.bias + (withPoor.weights[5] ?? 0) + (withPoor.weights[6] ?? 0)).toBeCloseTo(
      withoutPoor.bias + (withoutPoor.weights[5] ?? 0) + (withoutPoor.weights[6] ?? 0),
      10,
    );
  });
});

describe('calibrationFeatures', () => {
  it('reads the top candidate, its lead over the runner-up, the coverage, the content and the focus', () => {
    const ranking = {
      candidates: [
        { article: 3, score: 2, probability: 0.7, nearest: 0.8, centroid: 0.6 },
        { article: 1, score: 1, probability: 0.2, nearest: 0.4, centroid: 0.3 },
      ],
      coverage: 0.9,
      content: 0.5,
      specificity: 0.4,
    };

    const features = calibrationFeatures(ranking);

    expect(features.map((value) => Number(value.toFixed(6)))).toEqual([0.7, 0.5, 0.8, 0.6, 0.9, 0.5, 0.7]);
  });
});
