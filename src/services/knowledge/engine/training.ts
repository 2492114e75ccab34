import { type CalibrationSample, type Calibrator, PRIOR_CALIBRATOR, calibrationFeatures, fitCalibration } from './calibration';
import { type TermCounts, countTerms } from './features';
import { type ArticleTerms, LocaleModel, type ModelSettings, wordSpecificity } from './locale-model';
import { seededRandom, shuffle } from './random';
import { type AnalyzedText, isStopWord } from './tokenizer';

/** The analysed texts of one article, before counting. */
export interface ArticleTexts {
  examples: AnalyzedText[];
  extra: AnalyzedText[];
  /** Words of the title and tags: what the article says it is about. */
  names: string[];
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
  /** Questions the calibrator was fitted on, all kinds together (0: the prior alone). */
  calibrationSamples: number;
}

/** At most this many held-out rounds, however small the knowledge base: each costs one training. */
const MAX_ROUNDS = 3;

/** Share of held-out questions also asked as a fragment of one or two of their words. */
const FRAGMENT_SHARE = 0.5;

/** Content-poor messages asked of the final model, as a share of the whole held-out questions. */
const CONTENT_POOR_SHARE = 0.5;

const HAN = /\p{Script=Han}/u;

/**
 * Trains the matcher of one locale and calibrates its confidence on questions it did not see.
 * Each round holds out a share of the articles entirely (their questions stand for questions
 * the knowledge base cannot answer: the top answer is then always wrong) and a share of the
 * questions of every other article (questions it can answer, in words it has not seen).
 * An article with a single question keeps it and is asked a shortened copy instead, so that
 * FAQ-style bases with one phrasing per entry still get in-scope samples. Half of the held-out
 * questions are also asked as a fragment of one or two of their words, as customers often write
 * ({@link fragment}). A model is trained on what is left, and every question asked is labelled
 * with whether its top answer was right.
 *
 * The final model is trained on everything, and is also asked content-poor messages cut from the
 * knowledge base's own examples ({@link contentPoorMessages}), labelled wrong whatever it answers.
 * They are asked of the final model because that is where they do harm: a customer's "找不到"
 * finds the example it was cut from, with a cosine no held-out round shows. The calibrator is
 * then fitted in two stages ({@link fitCalibration}): the match weights on the whole held-out
 * questions, then the weights of content and focus on everything.
 */
export function trainMatcher(articles: readonly ArticleTexts[], settings: ModelSettings & CalibrationSettings): TrainedMatcher {
  const terms: ArticleTerms[] = articles.map((article) => ({
    examples: article.examples.map(countTerms),
    extra: article.extra.map(countTerms),
    names: countTerms({ words: article.names, charGrams: [] }),
  }));
  const model = new LocaleModel(articles.length, terms, settings);
  const whole: CalibrationSample[] = [];
  const short: CalibrationSample[] = [];
  if (articles.length >= 2 && settings.calibrationQuestions > 0) {
    for (let round = 0; round < MAX_ROUNDS && whole.length < settings.calibrationQuestions; round += 1) {
      const result = heldOutRound(articles, terms, settings, round);
      whole.push(...result.whole);
      short.push(...result.fragments);
    }
    const random = seededRandom(settings.seed * 7919 + MAX_ROUNDS);
    for (const message of contentPoorMessages(articles, wordSpecificity(terms), Math.round(CONTENT_POOR_SHARE * whole.length), random)) {
      short.push({ features: calibrationFeatures(model.rank(countTerms(message))), correct: false });
    }
  }
  if (whole.length === 0) return { model, calibrator: PRIOR_CALIBRATOR, calibrationSamples: 0 };
  return { model, calibrator: fitCalibration(whole, short), calibrationSamples: whole.length + short.length };
}

interface HeldOutQuestion {
  text: AnalyzedText;
  terms: TermCounts;
  /** Index among the kept articles, or -1 when its article was held out. */
  target: number;
}

function heldOutRound(
  articles: readonly ArticleTexts[],
  terms: readonly ArticleTerms[],
  settings: ModelSettings & CalibrationSettings,
  round: number,
): { whole: CalibrationSample[]; fragments: CalibrationSample[] } {
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
    const texts = articles[articleIndex] as ArticleTexts;
    const examples = shuffle([...article.examples.keys()], random);
    if (position < heldOutArticles) {
      // As many as an article that stays would give, so that about heldOutShare of the
      // questions asked are ones the knowledge base cannot answer.
      const asked = Math.max(1, Math.round(settings.heldOutShare * examples.length));
      for (const example of examples.slice(0, asked)) questions.push({ text: texts.examples[example] as AnalyzedText, terms: article.examples[example] as TermCounts, target: -1 });
      return;
    }
    const target = kept.length;
    if (examples.length === 1) {
      const only = texts.examples[0];
      if (only !== undefined) {
        const shortened = shorten(only, random);
        questions.push({ text: shortened, terms: countTerms(shortened), target });
      }
      kept.push(article);
      return;
    }
    const heldOut = Math.min(examples.length - 1, Math.max(1, Math.round(settings.heldOutShare * examples.length)));
    for (const example of examples.slice(0, heldOut)) questions.push({ text: texts.examples[example] as AnalyzedText, terms: article.examples[example] as TermCounts, target });
    kept.push({ ...article, examples: examples.slice(heldOut).map((example) => article.examples[example] as TermCounts) });
  });

  const model = new LocaleModel(kept.length, kept, { ...settings, seed: settings.seed + round });
  const asked = shuffle(questions, random).slice(0, settings.calibrationQuestions);
  const fragments: HeldOutQuestion[] = [];
  for (const question of asked) {
    if (random() >= FRAGMENT_SHARE) continue;
    const piece = fragment(question.text, random);
    if (piece !== undefined) fragments.push({ text: piece, terms: countTerms(piece), target: question.target });
  }
  const sample = (question: HeldOutQuestion): CalibrationSample => {
    const ranking = model.rank(question.terms);
    const top = ranking.candidates[0];
    return { features: calibrationFeatures(ranking), correct: top !== undefined && top.article === question.target };
  };
  return { whole: asked.map(sample), fragments: fragments.map(sample) };
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

/**
 * One or two consecutive words of a question (at least one not a function word): a stand-in for
 * the short messages customers send. Labelled like any held-out question, so that the calibration
 * learns how often a match on so little is right. Undefined when the question is that short already.
 */
export function fragment(text: AnalyzedText, random: () => number): AnalyzedText | undefined {
  if (text.words.length < 3) return undefined;
  const length = random() < 0.5 ? 1 : 2;
  const starts: number[] = [];
  for (let start = 0; start + length <= text.words.length; start += 1) {
    if (text.words.slice(start, start + length).some((word) => !isStopWord(word))) starts.push(start);
  }
  const start = starts[Math.floor(random() * starts.length)];
  return start === undefined ? undefined : span(text, start, length);
}

/**
 * Up to `count` different messages of one or two words taken from the example questions, every
 * word of which is content-poor: a function word, or a word of specificity under one half (no
 * article, nor the articles whose title or tags contain it, holds most of its uses; see
 * {@link wordSpecificity}), such as "找", "不到", "怎么办", "not", "work". Such a message does not
 * say what it is about, so no article is the right answer to it. Words only one article uses are
 * not content-poor (they may be its topic), and messages of function words only are left out.
 */
export function contentPoorMessages(
  articles: readonly ArticleTexts[],
  specificity: ReadonlyMap<string, number>,
  count: number,
  random: () => number,
): AnalyzedText[] {
  const isPoor = (word: string) => isStopWord(word) || (specificity.get(`w|${word}`) ?? 1) < 1 / 2;
  const examples = articles.flatMap((article) => article.examples);
  const messages: AnalyzedText[] = [];
  const seen = new Set<string>();
  // Frequent words are drawn more often, as in what customers write; a bounded number of tries.
  for (let tries = 0; tries < count * 20 && messages.length < count && examples.length > 0; tries += 1) {
    const example = examples[Math.floor(random() * examples.length)] as AnalyzedText;
    const length = random() < 0.5 ? 1 : 2;
    if (example.words.length < length) continue;
    const start = Math.floor(random() * (example.words.length - length + 1));
    const words = example.words.slice(start, start + length);
    if (words.every(isStopWord) || !words.every(isPoor)) continue;
    const key = words.join(' ');
    if (seen.has(key)) continue;
    seen.add(key);
    messages.push(span(example, start, length));
  }
  return messages;
}

/**
 * Words `start` to `start + length` of a text, with the character n-grams that lie inside them
 * (Han words were one run in the text, with no space between them; other words were apart).
 */
function span(text: AnalyzedText, start: number, length: number): AnalyzedText {
  const words = text.words.slice(start, start + length);
  let joined = ' ';
  words.forEach((word, i) => {
    joined += i > 0 && !(HAN.test(word) && HAN.test(words[i - 1] ?? '')) ? ` ${word}` : word;
  });
  joined += ' ';
  return { words, charGrams: text.charGrams.filter((gram) => joined.includes(gram)) };
}
