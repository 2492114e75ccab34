/**
 * Trains the corpus models shipped in src/services/emotion/corpus-model-weights.ts:
 *
 * - `ZH_NEGATIVE_MODEL`: is a Chinese message negative? Logistic regression over character
 *   1-3-grams (`chineseFeatures`), trained only on the project's own Chinese corpus
 *   (src/services/emotion/corpus/zh-*.jsonl, written for this project, Apache-2.0).
 * - `EN_ANGER_MODEL`: is an English message angry? Logistic regression over word uni/bigrams and
 *   character 3/4-grams (`englishCorpusFeatures`), trained on the project's own tweets
 *   (corpus/en-tweets.jsonl, each counted `tweetWeight` times) plus GoEmotions train (CC BY 4.0,
 *   anger vs everything else).
 *
 * No other data is read: the Chinese sets and SemEval state no licence and are only measured on
 * (bench/emotion.ts). Training is Adagrad with L2 over a seeded shuffle, so the same files always
 * give the same weights file, byte for byte.
 *
 * With `--cv` it also reports, by 5-fold cross-validation on the project's corpus, the F1 of each
 * blend weight (`zhCorpusWeight`, `enCorpusWeight`) with the whole detector, which is how the
 * defaults in emotion-types.ts were chosen.
 *
 * Run: npm run train:emotion-corpus [-- --cv] [-- --goemotions ../shared/datasets/emotion/goemotions_en/train.jsonl]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { LexiconEmotionDetector, type EmotionTuning } from '../src/services/emotion';
import { chineseFeatures, englishCorpusFeatures } from '../src/services/emotion/corpus-features';
import { type CorpusLine, corpusLineSchema, type CorpusModelWeights } from '../src/services/emotion/corpus-model';
import { findProjectRoot } from '../src/util/project-root';
import { readTrainFile } from './train-emotion-en';

/** Settings; changing any of them changes the shipped weights, so they are part of the header. */
export const CORPUS_TRAIN_SETTINGS = {
  zh: { minCount: 2, epochs: 12, learningRate: 0.3, l2: 1e-3, seed: 11, pruneBelow: 0.02, decimals: 3 },
  en: { minCount: 4, epochs: 6, learningRate: 0.2, l2: 1e-3, seed: 13, pruneBelow: 0.1, decimals: 2, tweetWeight: 8 },
};
type BinarySettings = { minCount: number; epochs: number; learningRate: number; l2: number; seed: number; pruneBelow: number; decimals: number };

export function readCorpus(file: string): CorpusLine[] {
  return fs
    .readFileSync(file, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = corpusLineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`train-emotion-corpus: ${file}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Example {
  features: string[];
  positive: boolean;
  /** How many times the example counts (the project's tweets count more than GoEmotions). */
  weight: number;
}

/** Binary logistic regression, Adagrad with lazy L2, features scaled as `CorpusModel` scales them. */
export function trainBinary(target: string, examples: readonly Example[], settings: BinarySettings): CorpusModelWeights {
  const counts = new Map<string, number>();
  const documents = examples.map((example) => [...new Set(example.features)]);
  for (const features of documents) for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const vocabulary = [...counts].filter(([, count]) => count >= settings.minCount).map(([feature]) => feature);
  const index = new Map(vocabulary.map((feature, i) => [feature, i]));
  const rows = documents.map((features, i) => ({
    x: features.map((feature) => index.get(feature)).filter((id): id is number => id !== undefined),
    scale: 1 / Math.sqrt(Math.max(1, features.length)),
    y: (examples[i] as Example).positive ? 1 : 0,
    weight: (examples[i] as Example).weight,
  }));
  const weights = new Float64Array(vocabulary.length);
  const squares = new Float64Array(vocabulary.length).fill(1e-8);
  let bias = 0;
  let biasSquare = 1e-8;
  const random = seededRandom(settings.seed);
  const order = rows.map((_, i) => i);
  for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    for (const r of order) {
      const { x, scale, y, weight } = rows[r] as (typeof rows)[number];
      let score = bias;
      for (const f of x) score += (weights[f] as number) * scale;
      const g = (1 / (1 + Math.exp(-score)) - y) * weight;
      biasSquare += g * g;
      bias -= (settings.learningRate * g) / Math.sqrt(biasSquare);
      for (const f of x) {
        const gw = g * scale + settings.l2 * (weights[f] as number);
        squares[f] = (squares[f] as number) + gw * gw;
        weights[f] = (weights[f] as number) - (settings.learningRate * gw) / Math.sqrt(squares[f] as number);
      }
    }
  }
  const round = (value: number) => Number(value.toFixed(settings.decimals));
  const lines: string[] = [];
  vocabulary.forEach((feature, f) => {
    const w = weights[f] as number;
    if (Math.abs(w) >= settings.pruneBelow) lines.push(`${feature}\t${round(w)}`);
  });
  const total = rows.reduce((sum, row) => sum + row.weight, 0);
  const prior = rows.reduce((sum, row) => sum + row.weight * row.y, 0) / total;
  return { target, bias: round(bias), prior: round(prior), features: lines.join('\n') };
}

const zhExamples = (lines: readonly CorpusLine[]): Example[] => lines.map((line) => ({ features: chineseFeatures(line.text), positive: line.polarity === 'negative', weight: 1 }));
const tweetExamples = (lines: readonly CorpusLine[], weight: number): Example[] => lines.map((line) => ({ features: englishCorpusFeatures(line.text), positive: line.emotion === 'anger', weight }));

function f1(predicted: readonly boolean[], gold: readonly boolean[]): number {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  predicted.forEach((p, i) => {
    if (p && gold[i]) tp += 1;
    else if (p) fp += 1;
    else if (gold[i]) fn += 1;
  });
  return tp === 0 ? 0 : (2 * tp) / (2 * tp + fp + fn);
}

/**
 * 5-fold cross-validation of the blend weights on the project's corpus: each fold's model is
 * trained without that fold, and the whole detector reads the fold with each candidate weight.
 */
function crossValidate(zh: readonly CorpusLine[], tweets: readonly CorpusLine[], goemotions: readonly Example[], log: (line: string) => void): void {
  const folds = 5;
  const grid = [0, 0.25, 0.5, 0.75, 1, 1.5, 2, 3];
  const zhPredictions = new Map<number, boolean[]>(grid.map((w) => [w, []]));
  const enPredictions = new Map<number, boolean[]>(grid.map((w) => [w, []]));
  const zhGold: boolean[] = [];
  const enGold: boolean[] = [];
  for (let fold = 0; fold < folds; fold += 1) {
    const zhTrain = zh.filter((_, i) => i % folds !== fold);
    const zhTest = zh.filter((_, i) => i % folds === fold);
    const enTrain = tweets.filter((_, i) => i % folds !== fold);
    const enTest = tweets.filter((_, i) => i % folds === fold);
    const zhModel = trainBinary('zh negative (cv)', zhExamples(zhTrain), CORPUS_TRAIN_SETTINGS.zh);
    const enModel = trainBinary('en anger (cv)', [...goemotions, ...tweetExamples(enTrain, CORPUS_TRAIN_SETTINGS.en.tweetWeight)], CORPUS_TRAIN_SETTINGS.en);
    zhGold.push(...zhTest.map((line) => line.polarity === 'negative'));
    enGold.push(...enTest.map((line) => line.emotion === 'anger'));
    for (const w of grid) {
      const tuning: Partial<EmotionTuning> = { zhCorpusWeight: w, enCorpusWeight: w };
      const detector = new LexiconEmotionDetector({ tuning, corpusModelWeights: { zhNegative: zhModel, enAnger: enModel } });
      zhPredictions.get(w)?.push(...zhTest.map((line) => detector.detect(line.text).polarity < 0));
      enPredictions.get(w)?.push(...enTest.map((line) => detector.isEscalating(detector.detect(line.text))));
    }
    log(`cv fold ${fold + 1}/${folds} done`);
  }
  for (const w of grid) log(`cv weight ${w}: zh negative F1 ${f1(zhPredictions.get(w) ?? [], zhGold).toFixed(3)}, en anger F1 ${f1(enPredictions.get(w) ?? [], enGold).toFixed(3)}`);
}

function main(): void {
  const root = findProjectRoot();
  const corpusDir = path.join(root, 'src', 'services', 'emotion', 'corpus');
  const { values } = parseArgs({
    options: {
      goemotions: { type: 'string', default: path.join(root, '..', 'shared', 'datasets', 'emotion', 'goemotions_en', 'train.jsonl') },
      out: { type: 'string', default: path.join(root, 'src', 'services', 'emotion', 'corpus-model-weights.ts') },
      cv: { type: 'boolean', default: false },
    },
  });
  const log = (line: string) => process.stderr.write(`${line}\n`);
  const zh = [...readCorpus(path.join(corpusDir, 'zh-reviews.jsonl')), ...readCorpus(path.join(corpusDir, 'zh-complaints.jsonl'))];
  const tweets = readCorpus(path.join(corpusDir, 'en-tweets.jsonl'));
  const goemotions: Example[] = readTrainFile(values.goemotions as string).map((row) => ({ features: englishCorpusFeatures(row.text), positive: row.label === 'anger', weight: 1 }));
  if (values.cv) crossValidate(zh, tweets, goemotions, log);

  const zhModel = trainBinary('zh negative polarity', zhExamples(zh), CORPUS_TRAIN_SETTINGS.zh);
  const enModel = trainBinary('en anger', [...goemotions, ...tweetExamples(tweets, CORPUS_TRAIN_SETTINGS.en.tweetWeight)], CORPUS_TRAIN_SETTINGS.en);
  const count = (model: CorpusModelWeights) => model.features.split('\n').length;
  const body = `/**
 * GENERATED by bench/train-emotion-corpus.ts (npm run train:emotion-corpus); do not edit by hand.
 *
 * ZH_NEGATIVE_MODEL: logistic regression over Chinese character 1-3-grams, trained only on the
 * project's own corpus (src/services/emotion/corpus/zh-*.jsonl, ${zh.length} texts written for this
 * project; Apache-2.0).
 * EN_ANGER_MODEL: logistic regression over English word uni/bigrams and character 3/4-grams,
 * trained on the project's own tweets (corpus/en-tweets.jsonl, ${tweets.length} texts, Apache-2.0) and
 * the GoEmotions train split (${goemotions.length} texts; Demszky et al. 2020, "GoEmotions: A Dataset of
 * Fine-Grained Emotions", https://github.com/google-research/google-research/tree/master/goemotions,
 * CC BY 4.0). These English weights are a work derived from GoEmotions and are shared under
 * CC BY 4.0 with that attribution.
 *
 * Settings: ${JSON.stringify(CORPUS_TRAIN_SETTINGS)}; ${count(zhModel)} Chinese and ${count(enModel)} English features kept.
 * Format: one line per feature, "feature<TAB>weight".
 */
import type { CorpusModelWeights } from './corpus-model';

export const ZH_NEGATIVE_MODEL: CorpusModelWeights = ${JSON.stringify(zhModel)};

export const EN_ANGER_MODEL: CorpusModelWeights = ${JSON.stringify(enModel)};
`;
  fs.writeFileSync(values.out as string, body);
  log(`wrote ${values.out} (${count(zhModel)} + ${count(enModel)} features, ${(body.length / 1024).toFixed(0)} KiB)`);
}

if (require.main === module) main();
