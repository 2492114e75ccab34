/**
 * The two peer systems of bench/intents.ts, each trained on the train texts and asked every test
 * text: node-nlp's NlpManager (its neural intent classifier) and a MiniSearch nearest-example
 * search. Run as a child process for node-nlp, so that a slow training can be stopped.
 */
import MiniSearch from 'minisearch';
import { z } from 'zod';
import { percentile } from '../src/cli/eval-data';
import { type IntentExample, type IntentOutcome, OUT_OF_SCOPE_LABEL } from '../src/cli/eval-intents';
import type { Locale } from '../src/domain/complaint';

/** A peer's outcomes, latencies and build time, ready for intentAccuracy. */
export interface PeerRun {
  outcomes: IntentOutcome[];
  trainSeconds: number;
  p50: number;
  p99: number;
}

let jieba: { cut(text: string, hmm?: boolean): string[] } | undefined;
function jiebaCut(text: string): string[] {
  if (jieba === undefined) {
    const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict') as typeof import('@node-rs/jieba/dict');
    jieba = Jieba.withDict(dict);
  }
  return jieba.cut(text, false).filter((token) => /[\p{L}\p{N}]/u.test(token));
}

/**
 * MiniSearch over the train texts (BM25, default search options: prefix and fuzzy matching made
 * a query take about 0.1 s on banking77); the answer is the top hit's label, 'none' when nothing
 * matches. Chinese gets jieba words, as the engine does.
 */
export function runMiniSearch(train: readonly IntentExample[], test: readonly IntentExample[], locale: Locale): PeerRun {
  const started = performance.now();
  const search = new MiniSearch<{ id: number; text: string; label: string }>({
    fields: ['text'],
    storeFields: ['label'],
    ...(locale === 'zh-CN' ? { tokenize: jiebaCut } : {}),
  });
  search.addAll(train.map((example, id) => ({ id, ...example })));
  const trainSeconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  const outcomes = test.map((example): IntentOutcome => {
    const before = performance.now();
    const [top] = search.search(example.text);
    latencies.push(performance.now() - before);
    const label = z.string().safeParse(top?.['label']);
    return label.success ? { expected: example.label, kind: 'answer', answered: label.data } : { expected: example.label, kind: 'none' };
  });
  return { outcomes, trainSeconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

const nlpResultSchema = z.object({ classifications: z.array(z.object({ intent: z.string(), score: z.number() })).default([]) });

/** node-nlp's top intent and score for each test text (threshold applied later). */
export interface NlpJsScores {
  top: Array<{ intent: string; score: number }>;
  trainSeconds: number;
  p50: number;
  p99: number;
}

/** Trains an NlpManager on the train texts and classifies every test text. */
export async function scoreNlpJs(train: readonly IntentExample[], test: readonly IntentExample[], locale: Locale): Promise<NlpJsScores> {
  const { NlpManager } = require('node-nlp') as { NlpManager: new (settings: object) => NlpManagerLike };
  const language = locale === 'zh-CN' ? 'zh' : 'en';
  const manager = new NlpManager({ languages: [language], forceNER: false, autoSave: false, nlu: { log: false } });
  for (const example of train) manager.addDocument(language, example.text, example.label);
  const started = performance.now();
  await manager.train();
  const trainSeconds = (performance.now() - started) / 1000;
  const latencies: number[] = [];
  const top: NlpJsScores['top'] = [];
  for (const example of test) {
    const before = performance.now();
    const result = nlpResultSchema.parse(await manager.process(language, example.text));
    latencies.push(performance.now() - before);
    const best = result.classifications[0];
    top.push(best === undefined || best.intent === 'None' ? { intent: 'None', score: 0 } : best);
  }
  return { top, trainSeconds, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

interface NlpManagerLike {
  addDocument(language: string, text: string, intent: string): void;
  train(): Promise<unknown>;
  process(language: string, text: string): Promise<unknown>;
}

/** node-nlp outcomes when intents scoring under `threshold` count as 'none' (its default is 0.5). */
export function nlpJsOutcomes(scores: NlpJsScores, test: readonly IntentExample[], threshold: number): IntentOutcome[] {
  return test.map((example, i) => {
    const top = scores.top[i];
    return top !== undefined && top.intent !== 'None' && top.score >= threshold
      ? { expected: example.label, kind: 'answer', answered: top.intent }
      : { expected: example.label, kind: 'none' };
  });
}

export { OUT_OF_SCOPE_LABEL };

// Child-process entry: `node intents-peers.js nlpjs <train.jsonl> <test.jsonl> <locale>` prints the scores as JSON.
if (require.main === module) {
  void (async () => {
    const fs = await import('node:fs');
    const { parseLabelledLines } = await import('../src/cli/eval-data');
    const [, trainFile = '', testFile = '', locale = 'en-US'] = process.argv.slice(2);
    const train = parseLabelledLines(fs.readFileSync(trainFile, 'utf8'), trainFile);
    const test = parseLabelledLines(fs.readFileSync(testFile, 'utf8'), testFile);
    const scores = await scoreNlpJs(train, test, locale === 'zh-CN' ? 'zh-CN' : 'en-US');
    process.stdout.write(`\n${JSON.stringify(scores)}\n`);
  })();
}
