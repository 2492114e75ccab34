/** The two numbers the decision compares, both on the calibrated confidence (0..1). */
export interface DecisionThresholds {
  /** The best article must be at least this likely to be right to be answered. */
  answerThreshold: number;
  /** The best article must lead the runner-up by this much to be answered without asking. */
  clarifyMargin: number;
}

/**
 * Answer, ask the customer to pick between the two best, or admit there is no answer.
 * `first` and `second` are the confidences of the two best articles (the runner-up's confidence
 * is the top one's scaled by their softmax ratio, so `first + second` estimates the chance that
 * one of the two is right).
 *
 * - answer: `first >= answerThreshold` and `first - second >= clarifyMargin`;
 * - clarify: the two are within `clarifyMargin` of each other, together reach
 *   `answerThreshold` (offering both is as likely to help as a confident answer), and each
 *   reaches half of it (two weak guesses at an unrelated question are no choice to offer);
 * - none: otherwise, including a lone best article under the threshold. A wrong answer costs
 *   more than 'none', which lets the dialog offer a complaint or a person instead.
 */
export function chooseDecision(first: number | undefined, second: number | undefined, thresholds: DecisionThresholds): 'answer' | 'clarify' | 'none' {
  if (first === undefined) return 'none';
  const runnerUp = second ?? 0;
  const lead = roundConfidence(first - runnerUp);
  if (first >= thresholds.answerThreshold && lead >= thresholds.clarifyMargin) return 'answer';
  const bothPlausible = runnerUp >= thresholds.answerThreshold / 2 && roundConfidence(first + runnerUp) >= thresholds.answerThreshold;
  if (second !== undefined && lead < thresholds.clarifyMargin && bothPlausible) return 'clarify';
  return 'none';
}

/** Three decimals, so that the confidences reported are exactly the ones the decision compared. */
export function roundConfidence(value: number): number {
  return Math.round(value * 1000) / 1000;
}
