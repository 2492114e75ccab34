import { parseArgs } from 'node:util';
import { EVAL_EMOTION_USAGE, runEvalEmotion } from './eval-emotion';
import { EvalDataError, progressBar, readLabelledFile } from './eval-data';
import { type IntentExample, type IntentMetrics, detectDatasetLocale, runIntentEval } from './eval-intents';

/** Usage of `hearline eval`, also shown by `hearline help`. */
export const EVAL_USAGE = `  eval intents --train T.jsonl --test S.jsonl [--lang auto|zh|en] [--json]
            measure the knowledge engine: one article per train label, every test text asked;
            label "oos" means no article should answer. The last stdout line is the JSON result.
${EVAL_EMOTION_USAGE}`;

const LANGUAGES = { zh: 'zh-CN', en: 'en-US' } as const;

/** `hearline eval <what> ...`: dispatches on the first argument. Returns the exit code. */
export async function runEvalCommand(args: readonly string[]): Promise<number> {
  const [what, ...rest] = args;
  switch (what) {
    case 'intents':
      return evalIntents(rest);
    case 'emotion':
      return runEvalEmotion(rest);
    default:
      process.stderr.write(`hearline eval: ${what === undefined ? 'say what to evaluate' : `unknown evaluation "${what}"`}\n\nUsage:\n${EVAL_USAGE}`);
      return 2;
  }
}

async function evalIntents(args: readonly string[]): Promise<number> {
  const { values } = parseArgs({
    args: [...args],
    options: { train: { type: 'string' }, test: { type: 'string' }, lang: { type: 'string', default: 'auto' }, json: { type: 'boolean', default: false } },
    strict: true,
  });
  const fail = (message: string) => {
    process.stderr.write(`hearline eval intents: ${message}\n`);
    return 2;
  };
  if (values.train === undefined || values.test === undefined) return fail('--train and --test are required');
  if (values.lang !== 'auto' && values.lang !== 'zh' && values.lang !== 'en') return fail(`--lang must be auto, zh or en, not "${values.lang}"`);

  let train: IntentExample[];
  let test: IntentExample[];
  try {
    train = await readLabelledFile(values.train);
    test = await readLabelledFile(values.test);
  } catch (error) {
    if (error instanceof EvalDataError) return fail(error.message);
    throw error;
  }
  const locale = values.lang === 'auto' ? detectDatasetLocale(train.map((example) => example.text)) : LANGUAGES[values.lang];

  const metrics = runIntentEval({ train, test, locale, onProgress: progressBar('eval intents') });
  if (!values.json) process.stdout.write(summary(metrics, locale));
  process.stdout.write(`${JSON.stringify(metrics)}\n`);
  return 0;
}

function summary(metrics: IntentMetrics, locale: string): string {
  const percent = (value: number) => `${(value * 100).toFixed(1)}%`;
  return [
    `questions         ${metrics.n} (${locale})`,
    `in-scope accuracy ${percent(metrics.accuracy_in_scope)}  (answered with the right article; clarify counts as not right)`,
    `out-of-scope      recall ${percent(metrics.oos_recall)}, precision ${percent(metrics.oos_precision)}  (0 when there are none)`,
    `overall accuracy  ${percent(metrics.accuracy_all)}`,
    `build             ${metrics.train_s.toFixed(2)} s`,
    `per question      p50 ${metrics.p50_ms.toFixed(2)} ms, p99 ${metrics.p99_ms.toFixed(2)} ms`,
    '',
  ].join('\n');
}
