import { chineseFeatures, englishCorpusFeatures } from './corpus-features';
import { CorpusModel } from './corpus-model';
import { EN_ANGER_MODEL, ZH_NEGATIVE_MODEL } from './corpus-model-weights';
import { EnglishEmotionModel, type EnglishModelClass } from './english-model';
import { ENGLISH_MODEL_WEIGHTS } from './english-model-weights';
import { capsRatio, emotionTokens, punctuationRuns, type EmotionToken } from './emotion-tokens';
import {
  type DetectOptions,
  detectOptionsSchema,
  type Emotion,
  type EmotionDetector,
  type EmotionDetectorOptions,
  emotionDetectorOptionsSchema,
  type EmotionReason,
  type EmotionResult,
  type EmotionTuning,
  DEFAULT_EMOTION_TUNING,
} from './emotion-types';
import { type CompiledLexicon, compileLexicon, type LexiconEmotion, type LexiconEntry, lookupTerm } from './lexicon';
import { EMOJI_LEXICON, EN_CONTRAST, EN_INTENSIFIERS, EN_LEXICON, EN_NEGATORS } from './lexicon-en';
import { ZH_BRACKET_EMOTICONS, ZH_CONTRAST, ZH_INTENSIFIERS, ZH_LEXICON, ZH_NEGATORS } from './lexicon-zh';

/** The lexicons and word lists of one language, compiled once per detector. */
interface LanguageRules {
  lexicon: CompiledLexicon;
  negators: ReadonlySet<string>;
  intensifiers: ReadonlyMap<string, number>;
  contrast: ReadonlySet<string>;
  /** How tokens join into a lexicon term: Chinese words without a space, English with one. */
  separator: string;
}

/** A lexicon term found in the message, with what modified it. */
interface Hit {
  entry: LexiconEntry;
  language: 'zh' | 'en';
  /** Index of the stretch between contrast words; the last one is what the customer means. */
  segment: number;
  negator?: string;
  intensifier?: { word: string; factor: number };
}

/** Negation reaches this many words ("不太好吃", "not very helpful"). */
const NEGATION_REACH = 3;
/** A degree adverb reaches this many words ("太他妈慢"). */
const INTENSIFIER_REACH = 2;
/** A negated positive ("不好吃", "not helpful") is this much plain dissatisfaction. */
const NEGATED_POSITIVE = 0.8;
/** A negated dissatisfaction ("不贵", "not bad") is this much approval; negated emotions cancel. */
const NEGATED_NEGATIVE = 0.3;
/** How the English model's classes feed the detector's emotions. */
const MODEL_MAP: ReadonlyArray<readonly [EnglishModelClass, Exclude<Emotion, 'neutral' | 'frustration'>, number]> = [
  ['anger', 'anger', 1],
  ['disgust', 'anger', 0.5],
  ['fear', 'anxiety', 1],
  ['sadness', 'sadness', 1],
  ['joy', 'positive', 1],
];

const WAITING_PATTERNS: readonly RegExp[] = [
  /等了?(?:\d+|[一二两三四五六七八九十几半好多]+)(?:个)?多?(?:天|小时|钟头|周|星期|礼拜|月|分钟)/u,
  /(?:\d+|[一二两三四五六七八九十几半]+)(?:个)?多?(?:天|小时|钟头|周|星期|礼拜|月)(?:了|都|还|才)/u,
  /\b(?:waited|waiting|been|for|over|after)\s+(?:\d+|two|three|four|five|six|seven|several|many|a few)\s+(?:more\s+)?(?:hours|days|weeks|months)\b/i,
];
const REPETITION_PATTERNS: readonly RegExp[] = [
  /第(?:\d+|[二两三四五六七八九十几]+)次/u,
  /(?:\d+|[二两三四五六七八九十几好多]+)次了/u,
  /\b(?:\d+|two|three|four|five|six|several|multiple|many|countless)\s+times\b/i,
  /\b(?:second|third|fourth|fifth|\d+(?:nd|rd|th))\s+time\b/i,
];

function rulesFor(language: 'zh' | 'en'): LanguageRules {
  if (language === 'zh') {
    return {
      lexicon: compileLexicon('Chinese', ZH_LEXICON, (term) => [...term].length),
      negators: new Set(ZH_NEGATORS),
      intensifiers: new Map(ZH_INTENSIFIERS),
      contrast: new Set(ZH_CONTRAST),
      separator: '',
    };
  }
  return {
    lexicon: compileLexicon('English', EN_LEXICON, (term) => term.split(' ').length),
    negators: new Set(EN_NEGATORS),
    intensifiers: new Map(EN_INTENSIFIERS),
    contrast: new Set(EN_CONTRAST),
    separator: ' ',
  };
}

const round = (value: number, digits = 3) => Math.round(value * 10 ** digits) / 10 ** digits;

/**
 * The emotion detector: project-authored Chinese and English lexicons with negation, degree
 * adverbs, contrast, punctuation and shouting, plus, for English, a logistic-regression model
 * trained on GoEmotions, and two models trained on the project's own corpus (corpus/): anger
 * evidence for English, a polarity shift for Chinese reviews and statements. Offline and
 * deterministic; see docs/escalation.md.
 *
 * Evidence is summed per emotion. Anger and frustration are one family (they reinforce each
 * other); the family, anxiety, sadness or satisfaction with the most evidence wins, unless all
 * have less than `neutralFloor`. Intensity is 1 - exp(-evidence / scale), the scale chosen by
 * the message's dominant language (`zhIntensityScale` or `intensityScale`) so that one escalation
 * intensity means the same in both, then raised by exclamation marks, repeated question marks and
 * shouting; polarity is tanh of approval minus every negative evidence (plus `complaintLean` for
 * a Chinese statement with nothing kind in it) over `polarityScale`.
 */
export class LexiconEmotionDetector implements EmotionDetector {
  readonly escalationIntensity: number;
  private readonly tuning: EmotionTuning;
  private readonly zh = rulesFor('zh');
  private readonly en = rulesFor('en');
  private readonly symbols: CompiledLexicon;
  /** Every emoji and emoticon, longest first, in one pattern. */
  private readonly symbolPattern: RegExp;
  private readonly model: EnglishEmotionModel | undefined;
  private readonly zhCorpus: CorpusModel | undefined;
  private readonly enCorpus: CorpusModel | undefined;

  constructor(options: EmotionDetectorOptions = {}) {
    const parsed = emotionDetectorOptionsSchema.parse(options);
    this.escalationIntensity = parsed.escalationIntensity;
    this.tuning = { ...DEFAULT_EMOTION_TUNING, ...parsed.tuning };
    this.symbols = compileLexicon('emoji', [...EMOJI_LEXICON, ...ZH_BRACKET_EMOTICONS], () => 1);
    const symbols = [...this.symbols.exact.keys()].sort((a, b) => b.length - a.length);
    this.symbolPattern = new RegExp(symbols.map(escapeRegExp).join('|'), 'giu');
    this.model = parsed.englishModel ? new EnglishEmotionModel(ENGLISH_MODEL_WEIGHTS) : undefined;
    const corpus = parsed.corpusModelWeights ?? { zhNegative: ZH_NEGATIVE_MODEL, enAnger: EN_ANGER_MODEL };
    this.zhCorpus = parsed.corpusModels && this.tuning.zhCorpusWeight > 0 ? new CorpusModel(corpus.zhNegative, chineseFeatures) : undefined;
    this.enCorpus = parsed.corpusModels && this.tuning.enCorpusWeight > 0 ? new CorpusModel(corpus.enAnger, englishCorpusFeatures) : undefined;
  }

  isEscalating(result: EmotionResult): boolean {
    return (result.emotion === 'anger' || result.emotion === 'frustration') && result.intensity >= this.escalationIntensity;
  }

  detect(text: string, options: DetectOptions = {}): EmotionResult {
    const { maxReasons } = detectOptionsSchema.parse(options);
    const t = this.tuning;
    const reasons: EmotionReason[] = [];
    const evidence: Record<LexiconEmotion, number> = { anger: 0, frustration: 0, anxiety: 0, sadness: 0, positive: 0, negative: 0, neutral: 0 };

    // Emoji and emoticons first, then out of the text so that ":(" or "[怒]" are not read as words.
    const normalized = text.normalize('NFKC');
    const seen = new Set<string>();
    const rest = normalized.replace(this.symbolPattern, (symbol) => {
      const entry = this.symbols.exact.get(symbol.toLowerCase());
      if (entry !== undefined && entry.emotion !== 'neutral' && !seen.has(entry.term)) {
        // Each symbol counts once: "😡😡😡" is one angry face, made louder by nothing else.
        seen.add(entry.term);
        evidence[entry.emotion] += entry.weight;
        reasons.push({ kind: 'emoji', symbol: entry.term, emotion: entry.emotion, weight: entry.weight });
      }
      return ' ';
    });

    const tokens = emotionTokens(rest);
    const hits = this.scan(tokens, reasons);
    const lastSegment = Math.max(0, ...hits.map((hit) => hit.segment));
    for (const hit of hits) {
      const segmentFactor = lastSegment === 0 ? 1 : hit.segment === lastSegment ? t.contrastFactor : 1 / t.contrastFactor;
      const base = hit.entry.weight * (hit.intensifier?.factor ?? 1) * segmentFactor;
      let emotion = hit.entry.emotion;
      let weight = base;
      if (hit.negator !== undefined) {
        reasons.push({ kind: 'negation', negator: hit.negator, term: hit.entry.term });
        if (emotion === 'positive') {
          emotion = 'negative';
          weight = base * NEGATED_POSITIVE;
        } else if (emotion === 'negative') {
          emotion = 'positive';
          weight = base * NEGATED_NEGATIVE;
        } else {
          // "不生气", "not worried": the emotion is denied, not turned into another one.
          continue;
        }
      }
      if (hit.intensifier !== undefined) reasons.push({ kind: 'intensifier', word: hit.intensifier.word, term: hit.entry.term, factor: hit.intensifier.factor });
      evidence[emotion] += weight;
      reasons.push({ kind: 'lexicon', term: hit.entry.term, emotion, weight: round(weight), language: hit.language });
    }

    for (const [pattern, patterns] of [['waiting', WAITING_PATTERNS], ['repetition', REPETITION_PATTERNS]] as const) {
      const found = patterns.map((regex) => regex.exec(normalized)).find((match) => match !== null);
      if (found) {
        evidence.frustration += 0.8;
        reasons.push({ kind: 'pattern', pattern, text: found[0] });
      }
    }

    const englishWords = tokens.filter((token) => token.language === 'en').length;
    let modelPolarity = 0;
    if (this.model !== undefined && englishWords >= 2) {
      const prediction = this.model.predict(rest);
      const p = prediction.probabilities;
      const priors = this.model.priors;
      // Only what the model says beyond its class shares counts: joy is 39% of its training data.
      for (const [from, to, share] of MODEL_MAP) evidence[to] += t.modelWeight * share * Math.max(0, (p[from] - priors[from]) / (1 - priors[from]));
      const lift = (name: EnglishModelClass) => p[name] - priors[name];
      modelPolarity = t.modelWeight * (lift('joy') - lift('anger') - lift('disgust') - lift('fear') - lift('sadness'));
      const top = MODEL_MAP.reduce((best, entry) => (p[entry[0]] > p[best[0]] ? entry : best));
      if (p[top[0]] >= Math.max(p.neutral, p.surprise)) {
        reasons.push({ kind: 'model', emotion: top[1], probability: round(p[top[0]]), cues: prediction.cues(top[0], 3) });
      }
    }

    // Mixed text is read as the language most of its words are in.
    const zhTokens = tokens.filter((token) => token.language === 'zh').length;
    const chinese = zhTokens > 0 && zhTokens >= englishWords;
    if (this.enCorpus !== undefined && !chinese && englishWords >= 2) {
      // The tweet-and-Reddit anger model: evidence only for what it says beyond its prior.
      const prediction = this.enCorpus.predict(rest);
      const prior = this.enCorpus.prior;
      const weight = t.enCorpusWeight * Math.max(0, (prediction.probability - prior) / (1 - prior));
      if (weight > 0) {
        evidence.anger += weight;
        reasons.push({ kind: 'corpus', target: 'anger', probability: round(prediction.probability), weight: round(weight), cues: prediction.cues(3) });
      }
    }
    let corpusPolarity = 0;
    if (this.zhCorpus !== undefined && chinese && reviewLike(normalized, REVIEW_MIN_HAN)) {
      // The review-and-complaint model: its log-odds of "negative", clipped; "more likely than not" is the line.
      const prediction = this.zhCorpus.predict(rest);
      const logit = (p: number) => Math.log(Math.min(0.9999, Math.max(1e-4, p)) / (1 - Math.min(0.9999, Math.max(1e-4, p))));
      corpusPolarity = -t.zhCorpusWeight * Math.max(-4, Math.min(4, logit(prediction.probability)));
      if (Math.abs(corpusPolarity) >= 0.05) {
        reasons.push({ kind: 'corpus', target: 'negative', probability: round(prediction.probability), weight: round(corpusPolarity), cues: prediction.cues(3) });
      }
    }

    const frustration = evidence.frustration + t.negativeToFrustration * evidence.negative;
    const angerFamily = evidence.anger + t.frustrationShare * frustration;
    const candidates: Array<[Exclude<Emotion, 'neutral' | 'frustration'> | 'family', number]> = [
      ['family', angerFamily],
      ['anxiety', evidence.anxiety],
      ['sadness', evidence.sadness],
      ['positive', evidence.positive],
    ];
    const [winner, strength] = candidates.reduce((best, candidate) => (candidate[1] > best[1] ? candidate : best));
    const negativeTotal = evidence.anger + evidence.frustration + evidence.anxiety + evidence.sadness + evidence.negative;
    let lean = 0;
    if (chinese && t.complaintLean > 0 && evidence.positive === 0 && modelPolarity <= 0 && complaintStatement(normalized)) {
      lean = t.complaintLean;
      reasons.push({ kind: 'statement', weight: -lean });
    }
    const lexiconPolarity = evidence.positive - t.negativityBias * negativeTotal - lean + (this.model ? modelPolarity : 0);
    const polarity = round(Math.tanh((lexiconPolarity + corpusPolarity) / t.polarityScale));

    // Punctuation and capitals say how strongly, not what: they raise the winner's intensity.
    const runs = punctuationRuns(text);
    const caps = capsRatio(text);
    let boost = 0;
    if (runs.exclamations > 0) {
      reasons.push({ kind: 'exclamations', count: runs.exclamations, longestRun: runs.longestExclamationRun });
      boost = Math.max(boost, Math.min(0.35, 0.1 * runs.exclamations + 0.05 * (runs.longestExclamationRun - 1)));
    }
    if (runs.longestQuestionRun >= 2) {
      reasons.push({ kind: 'questions', longestRun: runs.longestQuestionRun });
      boost = 1 - (1 - boost) * (1 - Math.min(0.25, 0.08 * runs.longestQuestionRun));
    }
    if (caps >= 0.7) {
      reasons.push({ kind: 'shouting', capsRatio: caps });
      boost = 1 - (1 - boost) * 0.7;
    }

    let emotion: Emotion = 'neutral';
    let intensity = 0;
    if (strength >= t.neutralFloor) {
      emotion = winner === 'family' ? (evidence.anger >= frustration ? 'anger' : 'frustration') : winner;
      // Chinese evidence runs stronger than English evidence of the same anger: one scale per language.
      const scale = chinese ? t.zhIntensityScale : t.intensityScale;
      intensity = 1 - Math.exp(-strength / scale) * (1 - boost);
    } else if (boost >= 0.3 && lexiconPolarity <= 0 && (caps >= 0.7 || runs.longestExclamationRun >= 3 || runs.longestQuestionRun >= 3)) {
      // "WHERE IS MY ORDER", "人呢！！！": shouting with no kind word is frustration.
      emotion = 'frustration';
      intensity = boost;
    }

    reasons.sort((a, b) => reasonStrength(b) - reasonStrength(a));
    return {
      emotion,
      intensity: round(Math.min(1, Math.max(0, intensity))),
      polarity: Object.is(polarity, -0) ? 0 : polarity,
      reasons: maxReasons === undefined ? reasons : reasons.slice(0, maxReasons),
    };
  }

  /**
   * One pass over the tokens: the longest lexicon term at each position (in its own language),
   * negators and degree adverbs waiting for the next term, contrast words opening a new segment.
   */
  private scan(tokens: readonly EmotionToken[], reasons: EmotionReason[]): Hit[] {
    const hits: Hit[] = [];
    let segment = 0;
    let negator: { word: string; reach: number } | undefined;
    let intensifier: { word: string; factor: number; reach: number } | undefined;
    for (let i = 0; i < tokens.length; ) {
      const token = tokens[i] as EmotionToken;
      if (token.boundary || token.language === 'other') {
        if (token.boundary) {
          negator = undefined;
          intensifier = undefined;
        }
        i += 1;
        continue;
      }
      const rules = token.language === 'zh' ? this.zh : this.en;
      if (rules.contrast.has(token.text) && this.match(tokens, i, rules) === undefined) {
        segment += 1;
        reasons.push({ kind: 'contrast', word: token.text });
        negator = undefined;
        intensifier = undefined;
        i += 1;
        continue;
      }
      let match = this.match(tokens, i, rules);
      // "好慢", "damn rude": a word that is both a degree adverb and a term is the adverb when a term follows.
      const factor = rules.intensifiers.get(token.text);
      if (factor !== undefined && match !== undefined && match.length === 1 && this.match(tokens, i + 1, rules) !== undefined) match = undefined;
      if (match !== undefined) {
        if (match.entry.emotion !== 'neutral') {
          hits.push({
            entry: match.entry,
            language: token.language,
            segment,
            ...(negator ? { negator: negator.word } : {}),
            ...(intensifier ? { intensifier: { word: intensifier.word, factor: intensifier.factor } } : {}),
          });
        }
        negator = undefined;
        intensifier = undefined;
        i += match.length;
        continue;
      }
      if (rules.negators.has(token.text)) {
        negator = { word: token.text, reach: NEGATION_REACH };
      } else if (factor !== undefined) {
        intensifier = { word: token.text, factor, reach: INTENSIFIER_REACH };
      } else {
        if (token.language === 'zh' && [...token.text].length >= 3) hits.push(...this.inside(token.text, segment, negator?.word));
        if (negator && --negator.reach <= 0) negator = undefined;
        if (intensifier && --intensifier.reach <= 0) intensifier = undefined;
      }
      i += 1;
    }
    return hits;
  }

  /** The longest lexicon term starting at token `start`, made of consecutive same-language words. */
  private match(tokens: readonly EmotionToken[], start: number, rules: LanguageRules): { entry: LexiconEntry; length: number } | undefined {
    const first = tokens[start];
    if (first === undefined || first.boundary || first.language === 'other') return undefined;
    const parts: string[] = [];
    let found: { entry: LexiconEntry; length: number } | undefined;
    for (let end = start; end < tokens.length; end += 1) {
      const token = tokens[end] as EmotionToken;
      if (token.boundary || token.language !== first.language) break;
      parts.push(token.text);
      const term = parts.join(rules.separator);
      const size = rules.separator === '' ? [...term].length : parts.length;
      if (size > rules.lexicon.longestTerm) break;
      const entry = parts.length === 1 ? lookupTerm(rules.lexicon, term) : rules.lexicon.exact.get(term);
      if (entry !== undefined) found = { entry, length: parts.length };
    }
    return found;
  }

  /**
   * Terms inside one long Chinese word jieba did not split ("不好吃", "太难吃了"): the longest
   * term of two or more characters at each position, left to right.
   */
  private inside(word: string, segment: number, negator: string | undefined): Hit[] {
    const chars = [...word];
    // "不太好", "没多好": a negator, maybe a degree word, then a term that may be a single character.
    const negated = /^(不|没|别|未)(太|很|够|怎么|那么|多)?(.+)$/u.exec(word);
    const rest = negated?.[3] !== undefined ? this.zh.lexicon.exact.get(negated[3]) : undefined;
    if (negated && rest !== undefined && rest.emotion !== 'neutral') return [{ entry: rest, language: 'zh', segment, negator: negated[1] as string }];
    const hits: Hit[] = [];
    let pendingNegator = negator;
    for (let start = 0; start < chars.length - 1; ) {
      let found: LexiconEntry | undefined;
      let length = 0;
      for (let end = Math.min(chars.length, start + this.zh.lexicon.longestTerm); end >= start + 2; end -= 1) {
        const entry = this.zh.lexicon.exact.get(chars.slice(start, end).join(''));
        if (entry !== undefined) {
          found = entry;
          length = end - start;
          break;
        }
      }
      if (found === undefined) {
        if (this.zh.negators.has(chars[start] as string)) pendingNegator = chars[start];
        start += 1;
        continue;
      }
      if (found.emotion !== 'neutral') hits.push({ entry: found, language: 'zh', segment, ...(pendingNegator ? { negator: pendingNegator } : {}) });
      pendingNegator = undefined;
      start += length;
    }
    return hits;
  }
}

/** Requests and questions: "我想查一下订单", "能不能退款", "到了吗？" are not statements of a complaint. */
const REQUEST_OR_QUESTION = /[?？]|吗|么|呢$|请|麻烦|帮我|帮忙|想要|我想|我要|能不能|能否|可不可以|可以吗|是否|一下|如何|怎样|咨询|查询|请问/u;

/**
 * A Chinese statement long enough to be a review or a report of what happened (at least 8 Han
 * characters), not a request or a question.
 */
function complaintStatement(text: string): boolean {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return han >= 8 && !REQUEST_OR_QUESTION.test(text);
}

/** Below this many Han characters the Chinese corpus model says nothing: "慢", "很好" are the lexicon's to read. */
const REVIEW_MIN_HAN = 4;

/** Requests to the service ("我想查一下订单", "能不能退款"): questions without a request may be rhetorical complaints. */
const REQUEST = /请|麻烦|帮我|帮忙|想要|我想|我要|能不能|能否|可不可以|是否|一下|咨询|查询/u;

/**
 * Text the Chinese corpus model was written for: a review or a complaint, long enough to judge
 * (at least `minHan` Han characters), and not a request, which stays with the lexicon ("我想查一下
 * 订单" is neither praise nor complaint). Questions are kept: "这也叫精装？" is a complaint.
 */
function reviewLike(text: string, minHan: number): boolean {
  const han = text.match(/\p{Script=Han}/gu)?.length ?? 0;
  return han >= minHan && !REQUEST.test(text);
}

function reasonStrength(reason: EmotionReason): number {
  switch (reason.kind) {
    case 'lexicon':
    case 'emoji':
      return Math.abs(reason.weight);
    case 'model':
      return reason.probability;
    case 'corpus':
      // A summary of the whole text: listed after the specific words and punctuation it agrees with.
      return 0.45;
    case 'shouting':
    case 'exclamations':
    case 'questions':
      return 0.5;
    default:
      return 0.4;
  }
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

