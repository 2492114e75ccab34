/**
 * Emotion benchmark: Hearline's detector side by side with three off-the-shelf peers
 * (vader-sentiment, sentiment/AFINN, @nlpjs/sentiment) on the shared emotion and polarity sets.
 *
 * - Emotion sets, target anger: the positive class is label "anger". Hearline predicts it the
 *   way `hearline eval emotion --target anger` does (anger or frustration at or above its one
 *   escalation intensity; the detector calibrates Chinese intensity to the same scale). The peers have no anger class: they predict anger when
 *   their score is at or below a threshold, and each gets its best threshold on each set.
 * - Polarity sets, target negative: label "negative"; Hearline predicts it when polarity < 0;
 *   the peers again get their best threshold per set.
 * - @nlpjs/sentiment runs with locale "en" on the English and the mixed sets (English words are
 *   all it can read there) and "zh" on the Chinese ones, where it ships no dictionary.
 *
 * Run: npm run bench:emotion [-- --data ../shared/datasets]
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLabelledLines } from '../src/cli/eval-data';
import type { EmotionExample } from '../src/cli/eval-emotion';
import { LexiconEmotionDetector } from '../src/services/emotion';
import { findProjectRoot } from '../src/util/project-root';

// The peers ship CommonJS without types; these are the pieces the benchmark calls.
const vader = require('vader-sentiment') as { SentimentIntensityAnalyzer: { polarity_scores(text: string): { compound: number } } };
const Sentiment = require('sentiment') as new () => { analyze(text: string): { comparative: number } };
interface NlpContainer {
  use(plugin: unknown): void;
}
const { containerBootstrap } = require('@nlpjs/core') as { containerBootstrap(): Promise<NlpContainer> };
const { LangEn } = require('@nlpjs/lang-en') as { LangEn: unknown };
const { LangZh } = require('@nlpjs/lang-zh') as { LangZh: unknown };
const { SentimentAnalyzer } = require('@nlpjs/sentiment') as {
  SentimentAnalyzer: new (settings: { container: NlpContainer }) => { process(input: { locale: string; text: string }): Promise<{ sentiment: { average: number } }> };
};

interface DataSet {
  name: string;
  file: string;
  target: 'anger' | 'negative';
  nlpjsLocale: 'en' | 'zh';
  /** Why this file: dev where there is one. */
  split: string;
}

const SETS: readonly DataSet[] = [
  { name: 'goemotions_en', file: 'emotion/goemotions_en/dev.jsonl', target: 'anger', nlpjsLocale: 'en', split: 'dev' },
  { name: 'semeval2018_en', file: 'emotion/semeval2018_en/dev.jsonl', target: 'anger', nlpjsLocale: 'en', split: 'dev' },
  { name: 'clue2020_zh', file: 'emotion/clue2020_zh/dev.jsonl', target: 'anger', nlpjsLocale: 'zh', split: 'dev' },
  { name: 'nlpcc2018_mixed', file: 'emotion/nlpcc2018_mixed/train.jsonl', target: 'anger', nlpjsLocale: 'en', split: 'train (only file; measured, never trained on)' },
  { name: 'waimai_zh', file: 'polarity/waimai_zh/dev.jsonl', target: 'negative', nlpjsLocale: 'zh', split: 'dev' },
  { name: 'online_shopping_zh', file: 'polarity/online_shopping_zh/dev.jsonl', target: 'negative', nlpjsLocale: 'zh', split: 'dev' },
  { name: 'nlpcc2014_zh', file: 'polarity/nlpcc2014_zh/dev.jsonl', target: 'negative', nlpjsLocale: 'zh', split: 'dev' },
];

interface Row {
  set: string;
  system: string;
  precision: number;
  recall: number;
  f1: number;
  /** The peer's chosen threshold ("score <= t"), or Hearline's rule. */
  rule: string;
  p50: number;
  p99: number;
}

function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

function scores(predicted: readonly boolean[], gold: readonly boolean[]): { precision: number; recall: number; f1: number } {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p && gold[i]) tp += 1;
    else if (p) fp += 1;
    else if (gold[i]) fn += 1;
  });
  const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
  const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
  return { precision, recall, f1: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall) };
}

/** The threshold t maximising F1 of "score <= t" (the lower the score, the angrier/more negative). */
function bestThreshold(values: readonly number[], gold: readonly boolean[]): { threshold: number; precision: number; recall: number; f1: number } {
  const order = values.map((_, i) => i).sort((a, b) => (values[a] as number) - (values[b] as number));
  const positives = gold.filter(Boolean).length;
  let tp = 0;
  let fp = 0;
  let best = { threshold: -Infinity, precision: 0, recall: 0, f1: 0 };
  order.forEach((i, k) => {
    if (gold[i]) tp += 1;
    else fp += 1;
    const next = order[k + 1];
    if (next !== undefined && values[next] === values[i]) return;
    const precision = tp / (tp + fp);
    const recall = tp / positives;
    const f1 = precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
    if (f1 > best.f1) best = { threshold: values[i] as number, precision, recall, f1 };
  });
  return best;
}

async function timed<T>(examples: readonly EmotionExample[], score: (text: string) => T | Promise<T>): Promise<{ values: T[]; p50: number; p99: number }> {
  const values: T[] = [];
  const latencies: number[] = [];
  for (const example of examples) {
    const before = performance.now();
    values.push(await score(example.text));
    latencies.push(performance.now() - before);
  }
  return { values, p50: percentile(latencies, 50), p99: percentile(latencies, 99) };
}

async function main(): Promise<void> {
  const { values: args } = parseArgs({ options: { data: { type: 'string', default: path.join(findProjectRoot(), '..', 'shared', 'datasets') } } });
  const dataDir = args.data as string;
  const hearline = new LexiconEmotionDetector();
  hearline.detect('预热 warm-up');
  const afinn = new Sentiment();
  const container = await containerBootstrap();
  container.use(LangEn);
  container.use(LangZh);
  const nlpjs = new SentimentAnalyzer({ container });

  const rows: Row[] = [];
  for (const set of SETS) {
    const file = path.join(dataDir, set.file);
    const examples = parseLabelledLines(fs.readFileSync(file, 'utf8'), file);
    const gold = examples.map((example) => example.label === set.target);
    process.stderr.write(`${set.name}: ${examples.length} texts (${set.split})\n`);

    const ours = await timed(examples, (text) => hearline.detect(text));
    const predicted = ours.values.map((result) => (set.target === 'anger' ? hearline.isEscalating(result) : result.polarity < 0));
    const rule = set.target === 'anger' ? `anger/frustration >= ${hearline.escalationIntensity}` : 'polarity < 0';
    rows.push({ set: set.name, system: 'hearline', ...scores(predicted, gold), rule, p50: ours.p50, p99: ours.p99 });
    if (set.target === 'anger') {
      // For reference only: the intensity threshold that would be best on this very set.
      const intensity = ours.values.map((result) => (result.emotion === 'anger' || result.emotion === 'frustration' ? -result.intensity : 0));
      const best = bestThreshold(intensity, gold);
      rows.push({ set: set.name, system: 'hearline (per-set best threshold, reference)', ...best, rule: `>= ${(-best.threshold).toFixed(3)}`, p50: ours.p50, p99: ours.p99 });
    }

    const peers: Array<[string, { values: number[]; p50: number; p99: number }]> = [
      ['vader-sentiment (compound)', await timed(examples, (text) => vader.SentimentIntensityAnalyzer.polarity_scores(text).compound)],
      ['sentiment / AFINN (comparative)', await timed(examples, (text) => afinn.analyze(text).comparative)],
      [`@nlpjs/sentiment ${set.nlpjsLocale} (average)`, await timed(examples, async (text) => (await nlpjs.process({ locale: set.nlpjsLocale, text })).sentiment.average)],
    ];
    for (const [system, result] of peers) {
      const best = bestThreshold(result.values, gold);
      rows.push({ set: set.name, system, precision: best.precision, recall: best.recall, f1: best.f1, rule: `<= ${Number(best.threshold.toFixed(4))}`, p50: result.p50, p99: result.p99 });
    }
  }

  const f = (value: number) => value.toFixed(3);
  console.log(`\nEmotion benchmark, node ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown cpu'})\n`);
  console.log('| set | target | system | F1 | precision | recall | rule / chosen threshold | p50 ms | p99 ms |');
  console.log('|---|---|---|---:|---:|---:|---|---:|---:|');
  for (const row of rows) {
    const target = SETS.find((set) => set.name === row.set)?.target ?? '';
    console.log(`| ${row.set} | ${target} | ${row.system} | ${f(row.f1)} | ${f(row.precision)} | ${f(row.recall)} | ${row.rule} | ${row.p50.toFixed(3)} | ${row.p99.toFixed(3)} |`);
  }

  console.log('\nGoals');
  for (const set of SETS) {
    const ours = rows.find((row) => row.set === set.name && row.system === 'hearline') as Row;
    if (set.target === 'anger') {
      const peer = Math.max(...rows.filter((row) => row.set === set.name && !row.system.startsWith('hearline')).map((row) => row.f1));
      const met = ours.f1 >= peer + 0.1;
      console.log(`- ${set.name}: anger F1 ${f(ours.f1)} vs best peer ${f(peer)} (+${f(ours.f1 - peer)}; goal +0.100): ${met ? 'met' : 'NOT met'}`);
    } else {
      console.log(`- ${set.name}: negative F1 ${f(ours.f1)} (goal 0.850): ${ours.f1 >= 0.85 ? 'met' : 'NOT met'}`);
    }
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
