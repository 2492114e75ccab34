/**
 * Knowledge-engine benchmark: Hearline's engine (through the same code path as
 * `hearline eval intents`), node-nlp's NlpManager and a MiniSearch nearest-example baseline on
 * the intent data sets (train, then dev), plus a synthetic 10,000-article base for build time,
 * memory and latency.
 *
 * Run: npm run bench:intents [-- --datasets banking77,clinc150 --peers hearline,minisearch,nlpjs
 *      --nlpjs-limit-s 600 --synthetic 10000]   (--synthetic 0 skips the synthetic base)
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { parseLabelledLines, percentile } from '../src/cli/eval-data';
import { type IntentExample, type IntentOutcome, detectDatasetLocale, intentAccuracy, runIntentEval } from '../src/cli/eval-intents';
import type { Locale } from '../src/domain/complaint';
import type { KnowledgeArticle } from '../src/services/knowledge/knowledge-service';
import { buildKnowledgeEngine } from '../src/services/knowledge/engine';
import { seededRandom } from '../src/services/knowledge/engine/random';
import { z } from 'zod';
import { type NlpJsScores, nlpJsOutcomes, runMiniSearch } from './intents-peers';

const { values } = parseArgs({
  options: {
    datasets: { type: 'string', default: 'banking77,clinc150,afqmc_zh,smp2019_zh' },
    peers: { type: 'string', default: 'hearline,nlpjs,minisearch' },
    'nlpjs-limit-s': { type: 'string', default: '600' },
    synthetic: { type: 'string', default: '10000' },
    'data-dir': { type: 'string', default: path.resolve(__dirname, '../../../shared/datasets/intents') },
  },
});
const peers = new Set(values.peers.split(','));

interface Row {
  dataset: string;
  system: string;
  accuracy_in_scope?: number;
  oos_recall?: number;
  accuracy_all?: number;
  train_s?: number;
  p50_ms?: number;
  p99_ms?: number;
  note?: string;
}

function read(file: string): IntentExample[] {
  return parseLabelledLines(fs.readFileSync(file, 'utf8'), file);
}

function row(dataset: string, system: string, outcomes: IntentOutcome[], timing: { train_s: number; p50_ms: number; p99_ms: number }, note?: string): Row {
  const metrics = intentAccuracy(outcomes);
  return { dataset, system, accuracy_in_scope: metrics.accuracy_in_scope, oos_recall: metrics.oos_recall, accuracy_all: metrics.accuracy_all, ...timing, ...(note ? { note } : {}) };
}

const nlpJsScoresSchema = z.object({
  top: z.array(z.object({ intent: z.string(), score: z.number() })),
  trainSeconds: z.number(),
  p50: z.number(),
  p99: z.number(),
});

/** node-nlp in a child process, killed after `limitSeconds`. */
function nlpJsInChild(trainFile: string, testFile: string, locale: Locale, limitSeconds: number): Promise<NlpJsScores | string> {
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      [path.join(__dirname, 'intents-peers.js'), 'nlpjs', trainFile, testFile, locale],
      { timeout: limitSeconds * 1000, maxBuffer: 1 << 28 },
      (error, stdout) => {
        if (error) {
          resolve(error.killed ? `stopped after ${limitSeconds} s` : `failed: ${error.message.split('\n')[0]}`);
          return;
        }
        // node-nlp prints progress ("Compiling dictionary") to stdout: the scores are the last line.
        const last = stdout.trim().split('\n').pop() ?? '';
        try {
          resolve(nlpJsScoresSchema.parse(JSON.parse(last)));
        } catch {
          resolve(`failed: unreadable output "${last.slice(0, 60)}"`);
        }
      },
    );
  });
}

/** The threshold on node-nlp's score that maximises accuracy_all on the test set itself (an oracle, in its favour). */
function bestNlpJsThreshold(scores: NlpJsScores, test: IntentExample[]): number {
  let best = { threshold: 0, accuracy: -1 };
  for (let threshold = 0; threshold <= 1.0001; threshold += 0.05) {
    const accuracy = intentAccuracy(nlpJsOutcomes(scores, test, threshold)).accuracy_all;
    if (accuracy > best.accuracy) best = { threshold, accuracy };
  }
  return Math.round(best.threshold * 100) / 100;
}

async function benchDataset(name: string): Promise<Row[]> {
  const trainFile = path.join(values['data-dir'], name, 'train.jsonl');
  const testFile = path.join(values['data-dir'], name, 'dev.jsonl');
  const train = read(trainFile);
  const test = read(testFile);
  const locale = detectDatasetLocale(train.map((example) => example.text));
  const rows: Row[] = [];
  if (peers.has('hearline')) {
    const metrics = runIntentEval({ train, test, locale });
    rows.push({ dataset: name, system: 'hearline', ...metrics });
    process.stderr.write(`${name} hearline done\n`);
  }
  if (peers.has('minisearch')) {
    const run = runMiniSearch(train, test, locale);
    rows.push(row(name, 'minisearch (top hit)', run.outcomes, { train_s: run.trainSeconds, p50_ms: run.p50, p99_ms: run.p99 }));
    process.stderr.write(`${name} minisearch done\n`);
  }
  if (peers.has('nlpjs')) {
    const limit = Number(values['nlpjs-limit-s']);
    const scores = await nlpJsInChild(trainFile, testFile, locale, limit);
    if (typeof scores === 'string') {
      rows.push({ dataset: name, system: 'node-nlp', note: scores });
    } else {
      const timing = { train_s: scores.trainSeconds, p50_ms: scores.p50, p99_ms: scores.p99 };
      rows.push(row(name, 'node-nlp (default 0.5)', nlpJsOutcomes(scores, test, 0.5), timing));
      const tuned = bestNlpJsThreshold(scores, test);
      rows.push(row(name, `node-nlp (tuned ${tuned} on dev)`, nlpJsOutcomes(scores, test, tuned), timing));
    }
    process.stderr.write(`${name} node-nlp done\n`);
  }
  return rows;
}

/**
 * A deterministic synthetic base: half zh-CN, half en-US, 3-5 questions each, made of made-up
 * topic words around ordinary question frames; a fifth of the Chinese questions carry an
 * English word. Queries are new questions on a random article's topic words.
 */
function syntheticBase(count: number): { articles: KnowledgeArticle[]; queries: Array<{ text: string; locale: Locale; id: string }> } {
  const random = seededRandom(20250101);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
  const syllables = ['ka', 'lo', 'mi', 'ne', 'ru', 'sa', 'ti', 'vo', 'ze', 'pa', 'do', 'gu', 'fi', 'ha', 'jo', 'we', 'bri', 'str', 'an', 'el'];
  const enWords = Array.from({ length: 4000 }, () => Array.from({ length: 2 + Math.floor(random() * 2) }, () => pick(syllables)).join(''));
  const hanChars = Array.from({ length: 1500 }, () => String.fromCodePoint(0x4e00 + Math.floor(random() * 0x2000)));
  const zhWords = Array.from({ length: 4000 }, () => pick(hanChars) + pick(hanChars));
  const enFrames = ['how do I {a} my {b}', 'why is my {a} {b} not working', 'can I {a} the {b} {c}', 'what happens to {a} {b} after {c}', 'I need help with {a} and {b}', 'where is the {a} {b}'];
  const zhFrames = ['{a}{b}怎么办', '为什么我的{a}不能{b}', '{a}可以{b}{c}吗', '请问{a}和{b}有什么区别', '我的{a}{b}到哪里了', '怎么设置{a}{b}'];
  const question = (locale: Locale, topic: string[]) => {
    const frame = pick(locale === 'zh-CN' ? zhFrames : enFrames);
    const extra = locale === 'zh-CN' && random() < 0.2 ? pick(enWords) : '';
    return frame.replace('{a}', pick(topic)).replace('{b}', pick(topic)).replace('{c}', pick(topic)) + extra;
  };
  const articles: KnowledgeArticle[] = [];
  const topics: string[][] = [];
  for (let i = 0; i < count; i += 1) {
    const locale: Locale = i % 2 === 0 ? 'zh-CN' : 'en-US';
    const words = locale === 'zh-CN' ? zhWords : enWords;
    const topic = [pick(words), pick(words), pick(words), pick(words)];
    topics.push(topic);
    const questions = Array.from({ length: 3 + Math.floor(random() * 3) }, () => question(locale, topic));
    articles.push({ id: `a${i}`, locale, title: question(locale, topic), questions, tags: [], category: 'general', voice: 'x', actions: [], updated: '2025-01-01', owner: 'bench', body: topic.join(' ') });
  }
  const queries = Array.from({ length: 2000 }, () => {
    const index = Math.floor(random() * count);
    const article = articles[index] as KnowledgeArticle;
    return { text: question(article.locale, topics[index] ?? []), locale: article.locale, id: article.id };
  });
  return { articles, queries };
}

function benchSynthetic(count: number): Row {
  const { articles, queries } = syntheticBase(count);
  buildKnowledgeEngine(articles.slice(0, 2)); // loads jieba's dictionary outside the measurement
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const started = performance.now();
  const engine = buildKnowledgeEngine(articles);
  const trainSeconds = (performance.now() - started) / 1000;
  gc?.();
  const after = process.memoryUsage();
  const latencies: number[] = [];
  let right = 0;
  for (const query of queries) {
    const t = performance.now();
    const decision = engine.decide(query.text, query.locale);
    latencies.push(performance.now() - t);
    if (decision.kind === 'answer' && decision.article.id === query.id) right += 1;
  }
  const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(0);
  return {
    dataset: `synthetic ${count} articles`,
    system: 'hearline',
    accuracy_in_scope: right / queries.length,
    train_s: trainSeconds,
    p50_ms: percentile(latencies, 50),
    p99_ms: percentile(latencies, 99),
    note: `heap +${mb(after.heapUsed - before.heapUsed)} MB, RSS +${mb(after.rss - before.rss)} MB${gc ? '' : ' (no --expose-gc: rough)'}`,
  };
}

function format(rows: Row[]): string {
  const number = (value: number | undefined, digits: number) => (value === undefined ? '' : value.toFixed(digits));
  const lines = [
    '| dataset | system | acc in-scope | oos recall | acc all | train s | p50 ms | p99 ms | note |',
    '|---|---|--:|--:|--:|--:|--:|--:|---|',
    ...rows.map(
      (r) =>
        `| ${r.dataset} | ${r.system} | ${number(r.accuracy_in_scope, 3)} | ${number(r.oos_recall, 3)} | ${number(r.accuracy_all, 3)} | ${number(r.train_s, 2)} | ${number(r.p50_ms, 3)} | ${number(r.p99_ms, 2)} | ${r.note ?? ''} |`,
    ),
  ];
  return lines.join('\n');
}

async function main() {
  const rows: Row[] = [];
  for (const name of values.datasets.split(',').filter((entry) => entry.length > 0)) {
    const datasetRows = await benchDataset(name);
    // Each row as soon as it is known, so that a long run that fails late is not lost.
    for (const datasetRow of datasetRows) process.stderr.write(`${JSON.stringify(datasetRow)}\n`);
    rows.push(...datasetRows);
  }
  const synthetic = Number(values.synthetic);
  if (synthetic > 0 && peers.has('hearline')) rows.push(benchSynthetic(synthetic));
  console.log(`\nnode ${process.version}, ${os.cpus().length} cores (${os.cpus()[0]?.model ?? 'unknown'}), load average ${os.loadavg()[0]?.toFixed(1)}\n`);
  console.log(format(rows));
}

void main();
