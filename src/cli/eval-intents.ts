import type { Locale } from '../domain/complaint';
import type { KnowledgeArticle, KnowledgeDecision } from '../services/knowledge/knowledge-service';
import { buildKnowledgeEngine, type KnowledgeEngineOptions } from '../services/knowledge/engine';
import { type LabelledText, percentile } from './eval-data';

/** One line of an intent data file. */
export type IntentExample = LabelledText;

/** The label of test questions that no article answers: the right outcome is 'none'. */
export const OUT_OF_SCOPE_LABEL = 'oos';

/** zh-CN when at least a third of the letters are Han characters, else en-US. */
export function detectDatasetLocale(texts: readonly string[]): Locale {
  let han = 0;
  let latin = 0;
  for (const text of texts) {
    han += (text.match(/\p{Script=Han}/gu) ?? []).length;
    latin += (text.match(/\p{Script=Latin}/gu) ?? []).length;
  }
  // A Han character carries about as much as a short English word, hence the lower bar.
  return han * 3 >= han + latin && han > 0 ? 'zh-CN' : 'en-US';
}

/**
 * One article per train label, its example questions being that label's texts. Title, voice
 * and body stay empty so that only the customers' phrasings are learnt (a label name such as
 * "card_arrival" would be a hint the other systems do not get).
 */
export function intentArticles(train: readonly IntentExample[], locale: Locale): KnowledgeArticle[] {
  const byLabel = new Map<string, string[]>();
  for (const { text, label } of train) byLabel.set(label, [...(byLabel.get(label) ?? []), text]);
  return [...byLabel].map(([label, questions]) => ({
    id: label,
    locale,
    title: '',
    questions,
    tags: [],
    category: 'general',
    voice: '',
    actions: [],
    updated: '2025-01-01',
    owner: 'eval',
    body: '',
  }));
}

/** What the engine did with one test question. */
export interface IntentOutcome {
  expected: string;
  kind: KnowledgeDecision['kind'];
  /** The answered article, for kind 'answer'. */
  answered?: string;
}

/** The metrics `eval intents --json` prints, in this order. */
export interface IntentMetrics {
  n: number;
  /** In-scope questions answered with their own article (clarify counts as not right). */
  accuracy_in_scope: number;
  /** Out-of-scope questions decided 'none', over all out-of-scope questions. */
  oos_recall: number;
  /** Out-of-scope questions decided 'none', over all questions decided 'none'. */
  oos_precision: number;
  /** In-scope answered right plus out-of-scope decided 'none', over all questions. */
  accuracy_all: number;
  train_s: number;
  p50_ms: number;
  p99_ms: number;
}

/** Share, with 0/0 defined as 0 (no out-of-scope questions: recall and precision are 0). */
function share(part: number, whole: number): number {
  return whole === 0 ? 0 : part / whole;
}

/** The accuracy metrics of a run; timings are added by the caller. */
export function intentAccuracy(outcomes: readonly IntentOutcome[]): Pick<IntentMetrics, 'n' | 'accuracy_in_scope' | 'oos_recall' | 'oos_precision' | 'accuracy_all'> {
  let inScope = 0;
  let inScopeRight = 0;
  let outOfScope = 0;
  let outOfScopeNone = 0;
  let none = 0;
  for (const outcome of outcomes) {
    if (outcome.kind === 'none') none += 1;
    if (outcome.expected === OUT_OF_SCOPE_LABEL) {
      outOfScope += 1;
      if (outcome.kind === 'none') outOfScopeNone += 1;
    } else {
      inScope += 1;
      if (outcome.kind === 'answer' && outcome.answered === outcome.expected) inScopeRight += 1;
    }
  }
  return {
    n: outcomes.length,
    accuracy_in_scope: share(inScopeRight, inScope),
    oos_recall: share(outOfScopeNone, outOfScope),
    oos_precision: share(outOfScopeNone, none),
    accuracy_all: share(inScopeRight + outOfScopeNone, outcomes.length),
  };
}

/** What {@link runIntentEval} needs; the clock is injected so that tests need no real time. */
export interface IntentEvalInput {
  train: readonly IntentExample[];
  test: readonly IntentExample[];
  locale: Locale;
  engineOptions?: Partial<KnowledgeEngineOptions>;
  /** Monotonic milliseconds. */
  now?: () => number;
  onProgress?: (done: number, total: number) => void;
}

/**
 * Builds the engine the bot uses (same defaults, same decision) over one article per train
 * label, decides every test question, and measures.
 */
export function runIntentEval(input: IntentEvalInput): IntentMetrics {
  const now = input.now ?? (() => performance.now());
  const articles = intentArticles(input.train, input.locale);
  const started = now();
  const engine = buildKnowledgeEngine(articles, input.engineOptions);
  const trainSeconds = (now() - started) / 1000;

  const latencies: number[] = [];
  const outcomes: IntentOutcome[] = input.test.map((example, index) => {
    const before = now();
    const decision = engine.decide(example.text, input.locale);
    latencies.push(now() - before);
    input.onProgress?.(index + 1, input.test.length);
    return decision.kind === 'answer'
      ? { expected: example.label, kind: decision.kind, answered: decision.article.id }
      : { expected: example.label, kind: decision.kind };
  });
  return { ...intentAccuracy(outcomes), train_s: trainSeconds, p50_ms: percentile(latencies, 50), p99_ms: percentile(latencies, 99) };
}
