import { chooseDecision, roundConfidence } from './decision';

const thresholds = { answerThreshold: 0.3, clarifyMargin: 0.1 };

describe('chooseDecision', () => {
  it.each([
    [0.9, 0.05, 'answer'],
    [0.3, undefined, 'answer'],
    [0.35, 0.26, 'clarify'],
    [0.2, 0.16, 'clarify'],
    [0.2, 0.05, 'none'],
    [0.29, undefined, 'none'],
    [0.21, 0.12, 'none'],
    [undefined, undefined, 'none'],
  ] as const)('first %p, second %p -> %s', (first, second, expected) => {
    expect(chooseDecision(first, second, thresholds)).toBe(expected);
  });

  it('answers at exactly the threshold and exactly the margin', () => {
    expect(chooseDecision(0.5, 0.4, { answerThreshold: 0.5, clarifyMargin: 0.1 })).toBe('answer');
    expect(chooseDecision(0.5, 0.401, { answerThreshold: 0.5, clarifyMargin: 0.1 })).toBe('clarify');
  });

  it('never answers with a zero threshold when the two are tied', () => {
    expect(chooseDecision(0.4, 0.4, { answerThreshold: 0, clarifyMargin: 0.01 })).toBe('clarify');
  });

  it('rounds to three decimals', () => {
    expect(roundConfidence(0.12345)).toBe(0.123);
    expect(roundConfidence(0.9996)).toBe(1);
  });
});
