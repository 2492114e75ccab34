import { type CalibrationSample, type Calibrator, PRIOR_CALIBRATOR, calibrationFeatures, fitCalibrator } from './calibration';
import { type TermCounts, countTerms } from './features';
import { type ArticleTerms, LocaleModel, type ModelSettings } from './locale-model';
import { seededRandom, shuffle } from './random';
import type { AnalyzedText } from './tokenizer';

/** The analysed texts of one article, before counting. */
export interface ArticleTexts {
  examples: AnalyzedText[];
  extra: AnalyzedText[];
}

/** Settings of the held-out calibration. */
export interface CalibrationSettings {
  heldOutShare: number;
  calibrationQuestions: number;
}

/** A locale's model and the calibrator fitted for it. */
export interface TrainedMatcher {
  model: LocaleModel;
  calibrator: Calibrator;
  /** Held-out questions the calibrator was fitted on (0: the prior alone). */
  calibrationSamples: number;
}

/** At most this many held-out rounds, however small the knowledge base: each costs one training. */
const MAX_ROUNDS = 3;

/**
 * Trains the matcher of one locale and calibrates its confidence on questions it did not see.
 * Each round holds out a share of the articles entirely (their questions stand for questions
 * the knowledge base cannot answer: the top answer is then always wrong) and a share of the
 * questions of every other article (questions it can answer, in words it has not seen).
 * An article with a single question keeps it and is asked a shortened copy instead, so that
 * FAQ-style bases with one phrasing per entry still get in-scope samples. A model is trained on
 * what is left, the held-out questions are ranked, and the calibrator learns from the
 * top-candidate features whether that answer was right. The final model is then trained on
 * everything.
 */
export function trainMatcher(articles: readonly ArticleTexts[], settings: ModelSettings & CalibrationSettings): TrainedMatcher {
  const terms: ArticleTerms[] = articles.map((article) => ({ examples: article.examples.map(countTerms), extra: article.extra.map(countTerms) }));
  const samples: CalibrationSample[] = [];
  if (articles.length >= 2 && settings.calibrationQuestions > 0) {
    for (let round = 0; round < MAX_ROUNDS && samples.length < settings.calibrationQuestions; round += 1) {
      samples.push(...heldOutRound(articles, terms, settings, round));
    }
  }
  const calibrator = samples.length > 0 ? fitCalibrator(samples, PRIOR_CALIBRATOR) : PRIOR_CALIBRATOR;
  return { model: new LocaleModel(articles.length, terms, settings), calibrator, calibrationSamples: samples.length };
}

interface HeldOutQuestion {
  terms: TermCounts;
  /** Index among the kept articles, or -1 when its article was held out. */
  target: number;
}

function heldOutRound(articles: readonly ArticleTexts[], terms: readonly ArticleTerms[], settings: ModelSettings & CalibrationSettings, round: number): CalibrationSample[] {
  const random = seededRandom(settings.seed * 7919 + round);
  const order = shuffle(
    articles.map((_, i) => i),
    random,
  );
  const heldOutArticles = Math.min(articles.length - 1, Math.max(1, Math.round(settings.heldOutShare * articles.length)));
  const kept: ArticleTerms[] = [];
  const questions: HeldOutQuestion[] = [];
  order.forEach((articleIndex, position) => {
    const article = terms[articleIndex] as ArticleTerms;
    const examples = shuffle([...article.examples.keys()], random);
    if (position < heldOutArticles) {
      // As many as an article that stays would give, so that about heldOutShare of the
      // questions asked are ones the knowledge base cannot answer.
      const asked = Math.max(1, Math.round(settings.heldOutShare * examples.length));
      for (const example of examples.slice(0, asked)) questions.push({ terms: article.examples[example] as TermCounts, target: -1 });
      return;
    }
    const target = kept.length;
    if (examples.length === 1) {
      const only = (articles[articleIndex] as ArticleTexts).examples[0];
      if (only !== undefined) questions.push({ terms: countTerms(shorten(only, random)), target });
      kept.push(article);
      return;
    }
    const heldOut = Math.min(examples.length - 1, Math.max(1, Math.round(settings.heldOutShare * examples.length)));
    for (const example of examples.slice(0, heldOut)) questions.push({ terms: article.examples[example] as TermCounts, target });
    kept.push({ examples: examples.slice(heldOut).map((example) => article.examples[example] as TermCounts), extra: article.extra });
  });

  const model = new LocaleModel(kept.length, kept, { ...settings, seed: settings.seed + round });
  const asked = shuffle(questions, random).slice(0, settings.calibrationQuestions);
  return asked.map((question) => {
    const ranking = model.rank(question.terms);
    const top = ranking.candidates[0];
    return { features: calibrationFeatures(ranking), correct: top !== undefined && top.article === question.target };
  });
}

/**
 * A copy of a question with about a third of its words left out (at least one kept), and the
 * character n-grams that lay inside the words kept: a stand-in for a customer's shorter
 * paraphrase of an FAQ entry that has only one phrasing.
 */
export function shorten(text: AnalyzedText, random: () => number): AnalyzedText {
  const keep = text.words.map(() => random() >= 1 / 3);
  if (!keep.includes(true) && keep.length > 0) keep[Math.floor(random() * keep.length)] = true;
  const words = text.words.filter((_, i) => keep[i]);
  const padded = words.map((word) => ` ${word} `);
  return { words, charGrams: text.charGrams.filter((gram) => padded.some((word) => word.includes(gram))) };
}
