import { parseArgs } from 'node:util';
import { z } from 'zod';
import { LexiconEmotionDetector } from '../services/emotion';
import type { EmotionDetector, EmotionResult } from '../services/emotion';
import { EvalDataError, type LabelledText, percentile, progressBar, readLabelledFile } from './eval-data';

/** Usage of `hearline eval emotion`. */
export const EVAL_EMOTION_USAGE = `  eval emotion --test S.jsonl --target anger|negative [--json]
            measure the emotion detector on {"text","label"} lines. anger: label "anger" is the
            positive class, predicted when the emotion is anger or frustration at or above the
            escalation intensity. negative: label "negative", predicted when polarity < 0.
            The last stdout line is {"n","precision","recall","f1","accuracy","p99_ms"}.
`;

/** One line of a test file. */
export type EmotionExample = LabelledText;

export const emotionTargetSchema = z.enum(['anger', 'negative']);
export type EmotionTarget = z.infer<typeof emotionTargetSchema>;


/** The JSON object `eval emotion` prints last, with exactly these keys in this order. */
export interface EmotionMetrics {
  n: number;
  precision: number;
  recall: number;
  f1: number;
  accuracy: number;
  p99_ms: number;
}

/** Whether the detector's reading counts as the target's positive class (the definition). */
export function predictsTarget(detector: EmotionDetector, result: EmotionResult, target: EmotionTarget): boolean {
  return target === 'anger' ? detector.isEscalating(result) : result.polarity < 0;
}

const share = (part: number, whole: number) => (whole === 0 ? 0 : part / whole);
const round = (value: number) => Math.round(value * 10000) / 10000;

/** What {@link runEmotionEval} needs; the clock is injected so that tests need no real time. */
export interface EmotionEvalInput {
  examples: readonly EmotionExample[];
  target: EmotionTarget;
  detector: EmotionDetector;
  /** Monotonic milliseconds. */
  now?: () => number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Reads every test text with the detector and scores the target's positive class (label
 * `anger` or `negative`). The detector reads one message first, untimed, so that loading
 * jieba's dictionary is not counted as the latency of the first example.
 */
export function runEmotionEval(input: EmotionEvalInput): EmotionMetrics {
  const now = input.now ?? (() => performance.now());
  input.detector.detect('预热 warm-up');
  let tp = 0;
  let fp = 0;
  let fn = 0;
  let tn = 0;
  const latencies: number[] = [];
  input.examples.forEach((example, index) => {
    const before = now();
    const result = input.detector.detect(example.text);
    latencies.push(now() - before);
    const predicted = predictsTarget(input.detector, result, input.target);
    const actual = example.label === input.target;
    if (predicted && actual) tp += 1;
    else if (predicted) fp += 1;
    else if (actual) fn += 1;
    else tn += 1;
    input.onProgress?.(index + 1, input.examples.length);
  });
  const precision = share(tp, tp + fp);
  const recall = share(tp, tp + fn);
  return {
    n: input.examples.length,
    precision: round(precision),
    recall: round(recall),
    f1: round(share(2 * precision * recall, precision + recall)),
    accuracy: round(share(tp + tn, input.examples.length)),
    p99_ms: round(percentile(latencies, 99)),
  };
}

/**
 * `hearline eval emotion --test S.jsonl --target anger|negative [--json]`. Returns the exit
 * code: 0 done, 2 bad usage or a bad test file (the message says which line).
 */
export async function runEvalEmotion(args: string[]): Promise<number> {
  const fail = (message: string) => {
    process.stderr.write(`hearline eval emotion: ${message}\n\nUsage:\n${EVAL_EMOTION_USAGE}`);
    return 2;
  };
  let values: { test?: string; target?: string; json?: boolean };
  try {
    ({ values } = parseArgs({ args, options: { test: { type: 'string' }, target: { type: 'string' }, json: { type: 'boolean', default: false } }, strict: true, allowPositionals: false }));
  } catch (error) {
    return fail(error instanceof Error ? error.message : String(error));
  }
  if (values.test === undefined) return fail('--test is required');
  const target = emotionTargetSchema.safeParse(values.target);
  if (!target.success) return fail(values.target === undefined ? '--target is required' : `--target must be anger or negative, not "${values.target}"`);

  let examples: EmotionExample[];
  try {
    examples = await readLabelledFile(values.test);
  } catch (error) {
    if (error instanceof EvalDataError) return fail(error.message);
    throw error;
  }
  const detector = new LexiconEmotionDetector();
  const metrics = runEmotionEval({ examples, target: target.data, detector, onProgress: progressBar('eval emotion') });
  if (!values.json) process.stdout.write(summary(metrics, target.data, detector.escalationIntensity));
  process.stdout.write(`${JSON.stringify(metrics)}\n`);
  return 0;
}

function summary(metrics: EmotionMetrics, target: EmotionTarget, escalationIntensity: number): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  const rule = target === 'anger' ? `anger or frustration at intensity >= ${escalationIntensity}` : 'polarity < 0';
  return [
    `texts      ${metrics.n}`,
    `target     label "${target}", predicted when ${rule}`,
    `precision  ${percent(metrics.precision)}`,
    `recall     ${percent(metrics.recall)}`,
    `F1         ${percent(metrics.f1)}`,
    `accuracy   ${percent(metrics.accuracy)}`,
    `per text   p99 ${metrics.p99_ms.toFixed(3)} ms`,
    '',
  ].join('\n');
}
