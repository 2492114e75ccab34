import { CALIBRATION_FEATURES, PRIOR_CALIBRATOR, calibratedConfidence, calibrationFeatures, fitCalibrator } from './calibration';
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
    expect(calibratedConfidence(PRIOR_CALIBRATOR, [0, 0, 0, 0, 0])).toBeGreaterThan(0);
    expect(calibratedConfidence(PRIOR_CALIBRATOR, [1, 1, 1, 1, 1])).toBeLessThan(1);
  });
});

describe('fitCalibrator', () => {
  // Right answers come with a high nearest-example cosine, wrong ones with a low one, with noise.
  const random = seededRandom(7);
  const samples = Array.from({ length: 600 }, () => {
    const nearest = random();
    const correct = random() < nearest;
    return { features: [0.5, 0.2, nearest, 0.5, 0.9], correct };
  });

  it('learns a confidence that tracks the observed rate of right answers', () => {
    const fitted = fitCalibrator(samples, PRIOR_CALIBRATOR, 0);
    const at = (nearest: number) => calibratedConfidence(fitted, [0.5, 0.2, nearest, 0.5, 0.9]);

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

  it('stays at the prior without samples', () => {
    expect(fitCalibrator([], PRIOR_CALIBRATOR)).toEqual(PRIOR_CALIBRATOR);
  });
});

describe('calibrationFeatures', () => {
  it('reads the top candidate, its lead over the runner-up and the coverage', () => {
    const ranking = {
      candidates: [
        { article: 3, score: 2, probability: 0.7, nearest: 0.8, centroid: 0.6 },
        { article: 1, score: 1, probability: 0.2, nearest: 0.4, centroid: 0.3 },
      ],
      coverage: 0.9,
    };

    const features = calibrationFeatures(ranking);

    expect(features.map((value) => Number(value.toFixed(6)))).toEqual([0.7, 0.5, 0.8, 0.6, 0.9]);
  });
});
