/**
 * Trains the English emotion model shipped in src/services/emotion/english-model-weights.ts.
 *
 * Data: GoEmotions train split only (CC BY 4.0, Demszky et al. 2020, Ekman labels; "anger"
 * there includes annoyance and disapproval). No other set is read: the SemEval tweets state no
 * licence and the Chinese sets state none either, so they are only measured on (bench/emotion.ts).
 *
 * Model: multinomial logistic regression over the unigrams and bigrams of `englishFeatures`,
 * Adagrad with L2, a seeded shuffle, so the same train file always gives the same weights.
 *
 * Run: npm run train:emotion [-- --train ../shared/datasets/emotion/goemotions_en/train.jsonl]
 */
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { englishFeatures } from '../src/services/emotion/english-features';
import { ENGLISH_MODEL_CLASSES, type EnglishModelWeights } from '../src/services/emotion/english-model';
import { findProjectRoot } from '../src/util/project-root';

/** Settings; changing any of them changes the shipped weights, so they are part of the header. */
export const TRAIN_SETTINGS = { minCount: 5, epochs: 5, learningRate: 0.15, l2: 3e-3, seed: 7, pruneBelow: 0.08, decimals: 2 };
export type TrainSettings = typeof TRAIN_SETTINGS;

const lineSchema = z.object({ text: z.string(), label: z.enum(ENGLISH_MODEL_CLASSES) });

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

/** Reads a `{"text","label"}` JSONL file of GoEmotions Ekman labels. */
export function readTrainFile(trainPath: string): Array<z.infer<typeof lineSchema>> {
  return fs
    .readFileSync(trainPath, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line, index) => {
      const parsed = lineSchema.safeParse(JSON.parse(line));
      if (!parsed.success) throw new Error(`train-emotion-en: ${trainPath}:${index + 1}: ${parsed.error.message}`);
      return parsed.data;
    });
}

/** Trains the model and returns it in the shipped format (pruned, rounded), plus counts for the header. */
export function trainEnglishModel(rows: ReadonlyArray<z.infer<typeof lineSchema>>, settings: TrainSettings, log: (line: string) => void = () => undefined): { weights: EnglishModelWeights; vocabulary: number; kept: number } {
  const classes = ENGLISH_MODEL_CLASSES;
  const K = classes.length;

  // Vocabulary: features seen in at least minCount training texts, in first-seen order.
  const documents = rows.map((row) => [...new Set(englishFeatures(row.text))]);
  const counts = new Map<string, number>();
  for (const features of documents) for (const feature of features) counts.set(feature, (counts.get(feature) ?? 0) + 1);
  const vocabulary = [...counts].filter(([, count]) => count >= settings.minCount).map(([feature]) => feature);
  const index = new Map(vocabulary.map((feature, i) => [feature, i]));
  const examples = documents.map((features, i) => ({
    x: features.map((feature) => index.get(feature)).filter((id): id is number => id !== undefined),
    // Scaled by the text's own feature count, known or not, exactly as EnglishEmotionModel does.
    scale: 1 / Math.sqrt(Math.max(1, features.length)),
    y: classes.indexOf((rows[i] as (typeof rows)[number]).label),
  }));

  const weights = new Float64Array(vocabulary.length * K);
  const bias = new Float64Array(K);
  const squares = new Float64Array(vocabulary.length * K).fill(1e-8);
  const biasSquares = new Float64Array(K).fill(1e-8);
  const random = seededRandom(settings.seed);
  const order = examples.map((_, i) => i);
  const scores = new Float64Array(K);
  for (let epoch = 0; epoch < settings.epochs; epoch += 1) {
    for (let i = order.length - 1; i > 0; i -= 1) {
      const j = Math.floor(random() * (i + 1));
      [order[i], order[j]] = [order[j] as number, order[i] as number];
    }
    let loss = 0;
    for (const e of order) {
      const { x, y, scale } = examples[e] as (typeof examples)[number];
      let max = -Infinity;
      for (let k = 0; k < K; k += 1) {
        let s = bias[k] as number;
        for (const f of x) s += (weights[f * K + k] as number) * scale;
        scores[k] = s;
        if (s > max) max = s;
      }
      let sum = 0;
      for (let k = 0; k < K; k += 1) {
        scores[k] = Math.exp((scores[k] as number) - max);
        sum += scores[k] as number;
      }
      loss -= Math.log((scores[y] as number) / sum);
      for (let k = 0; k < K; k += 1) {
        const g = (scores[k] as number) / sum - (k === y ? 1 : 0);
        biasSquares[k] = (biasSquares[k] as number) + g * g;
        bias[k] = (bias[k] as number) - (settings.learningRate * g) / Math.sqrt(biasSquares[k] as number);
        for (const f of x) {
          const w = f * K + k;
          // L2 applied lazily, only to the features of this text.
          const gw = g * scale + settings.l2 * (weights[w] as number);
          squares[w] = (squares[w] as number) + gw * gw;
          weights[w] = (weights[w] as number) - (settings.learningRate * gw) / Math.sqrt(squares[w] as number);
        }
      }
    }
    log(`epoch ${epoch + 1}/${settings.epochs}: mean loss ${(loss / examples.length).toFixed(4)}`);
  }

  // Prune features whose every weight is small: they barely move a prediction and bloat the file.
  const round = (value: number) => Number(value.toFixed(settings.decimals));
  const lines: string[] = [];
  vocabulary.forEach((feature, f) => {
    const row = Array.from({ length: K }, (_, k) => weights[f * K + k] as number);
    if (Math.max(...row.map(Math.abs)) < settings.pruneBelow) return;
    lines.push(`${feature}\t${row.map(round).join(',')}`);
  });
  // Class shares of the train file: the detector counts only what the model says beyond them.
  const priors = classes.map((_, k) => round(examples.filter((example) => example.y === k).length / examples.length));
  return { weights: { classes: [...classes], bias: Array.from(bias, round), priors, features: lines.join('\n') }, vocabulary: vocabulary.length, kept: lines.length };
}

function main(): void {
  const root = findProjectRoot();
  const { values } = parseArgs({
    options: {
      train: { type: 'string', default: path.join(root, '..', 'shared', 'datasets', 'emotion', 'goemotions_en', 'train.jsonl') },
      out: { type: 'string', default: path.join(root, 'src', 'services', 'emotion', 'english-model-weights.ts') },
    },
  });
  const trainPath = values.train as string;
  const rows = readTrainFile(trainPath);
  const { weights, vocabulary, kept } = trainEnglishModel(rows, TRAIN_SETTINGS, (line) => process.stderr.write(`${line}\n`));
  const header = `/**
 * GENERATED by bench/train-emotion-en.ts (npm run train:emotion); do not edit by hand.
 *
 * Weights of a multinomial logistic regression over English unigrams and bigrams, trained on
 * the GoEmotions train split only (Demszky et al. 2020, "GoEmotions: A Dataset of Fine-Grained
 * Emotions", https://github.com/google-research/google-research/tree/master/goemotions,
 * CC BY 4.0; file as mirrored by monologg/GoEmotions-pytorch data/ekman/train.tsv).
 * These weights are a work derived from GoEmotions and are shared under CC BY 4.0 with that
 * attribution.
 *
 * Settings: ${JSON.stringify(TRAIN_SETTINGS)}; ${rows.length} texts, ${vocabulary} features, ${kept} kept.
 * Format: one line per feature, "feature<TAB>weight per class" in the order of \`classes\`.
 */`;
  const body = `${header}
import type { EnglishModelWeights } from './english-model';

export const ENGLISH_MODEL_WEIGHTS: EnglishModelWeights = {
  classes: ${JSON.stringify(weights.classes)},
  bias: ${JSON.stringify(weights.bias)},
  priors: ${JSON.stringify(weights.priors)},
  features: ${JSON.stringify(weights.features)},
};
`;
  fs.writeFileSync(values.out as string, body);
  process.stderr.write(`wrote ${values.out} (${kept} features, ${(body.length / 1024).toFixed(0)} KiB)\n`);
}

if (require.main === module) main();
