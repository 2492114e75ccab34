import { z } from 'zod';
import { corpusModelWeightsSchema } from './corpus-model';
import { LEXICON_EMOTIONS } from './lexicon';

/** The emotions the detector reports for each message. */
export const EMOTIONS = ['anger', 'frustration', 'anxiety', 'sadness', 'neutral', 'positive'] as const;
export const emotionSchema = z.enum(EMOTIONS);
export type Emotion = z.infer<typeof emotionSchema>;

/**
 * Anger or frustration at or above this intensity is an escalation-strength emotion: the
 * eval command counts it as "anger", and it is the default of the detector's
 * `escalationIntensity`. One value for every language: Chinese intensity is calibrated to the
 * English scale by `zhIntensityScale`. Chosen on goemotions_en train and dev; docs/escalation.md
 * says which data each setting was chosen on.
 */
export const DEFAULT_ESCALATION_INTENSITY = 0.35;

/**
 * Why the detector read a message as it did: one entry per thing it saw. Machine-readable, so
 * the escalation policy and the agent console can explain a handoff.
 */
export const emotionReasonSchema = z.discriminatedUnion('kind', [
  /** A lexicon term, with the evidence it finally contributed (after the modifiers below). */
  z.object({ kind: z.literal('lexicon'), term: z.string(), emotion: z.enum(LEXICON_EMOTIONS), weight: z.number(), language: z.enum(['zh', 'en']) }),
  /** An emoji or emoticon (😡, [怒], :( ). */
  z.object({ kind: z.literal('emoji'), symbol: z.string(), emotion: z.enum(LEXICON_EMOTIONS), weight: z.number() }),
  /** A negator turned the next term around ("不满意" is listed; "不好吃", "not happy" are negated). */
  z.object({ kind: z.literal('negation'), negator: z.string(), term: z.string() }),
  /** A degree adverb scaled the next term ("太慢", "extremely rude"; factor < 1 for "有点"). */
  z.object({ kind: z.literal('intensifier'), word: z.string(), term: z.string(), factor: z.number() }),
  /** A contrast word: what follows it counts more than what precedes it. */
  z.object({ kind: z.literal('contrast'), word: z.string() }),
  /** Waiting ("等了三天", "waited 2 weeks") or repetition ("第三次了", "3 times"). */
  z.object({ kind: z.literal('pattern'), pattern: z.enum(['waiting', 'repetition']), text: z.string() }),
  /**
   * A Chinese statement about what happened, with nothing kind said and no request or question
   * in it: at a complaint desk such a statement leans negative (the polarity, not the emotion).
   */
  z.object({ kind: z.literal('statement'), weight: z.number() }),
  /** Mostly capital letters (at least 8 letters). */
  z.object({ kind: z.literal('shouting'), capsRatio: z.number() }),
  /** Exclamation marks ("!", "！"): how many, and the longest run. */
  z.object({ kind: z.literal('exclamations'), count: z.number().int(), longestRun: z.number().int() }),
  /** Question marks in a row ("？？？"): the longest run. */
  z.object({ kind: z.literal('questions'), longestRun: z.number().int() }),
  /** The trained English model: its probability for an emotion and the words behind it. */
  z.object({
    kind: z.literal('model'),
    emotion: emotionSchema,
    probability: z.number(),
    cues: z.array(z.object({ feature: z.string(), weight: z.number() })),
  }),
  /**
   * A model trained on the project's own corpus: for Chinese, the probability that the message is
   * negative (it moves the polarity); for English, that it is angry (it adds anger evidence).
   * `weight` is what it contributed (polarity units for `negative`, evidence for `anger`).
   */
  z.object({
    kind: z.literal('corpus'),
    target: z.enum(['negative', 'anger']),
    probability: z.number(),
    weight: z.number(),
    cues: z.array(z.object({ feature: z.string(), weight: z.number() })),
  }),
]);
export type EmotionReason = z.infer<typeof emotionReasonSchema>;

/** The reading of one message. */
export const emotionResultSchema = z.object({
  emotion: emotionSchema,
  /** 0 (none) .. 1 (extreme); 0 exactly when the emotion is neutral. */
  intensity: z.number().min(0).max(1),
  /** -1 (negative) .. 1 (positive); 0 when nothing either way was seen. */
  polarity: z.number().min(-1).max(1),
  reasons: z.array(emotionReasonSchema),
});
export type EmotionResult = z.infer<typeof emotionResultSchema>;

/**
 * Weights of the rules. Defaults were chosen by measuring on the dev sets (docs/escalation.md
 * says which on which); they are options so that the benchmark can show the effect of each.
 */
export const emotionTuningSchema = z.object({
  /** Evidence the English model adds: this times its probability of an emotion. */
  modelWeight: z.number().min(0),
  /** Share of plain dissatisfaction ("slow", "太咸") that counts as frustration. */
  negativeToFrustration: z.number().min(0).max(1),
  /** Share of frustration in the anger family's strength: waiting is milder than fury. */
  frustrationShare: z.number().min(0).max(1),
  /** Below this much evidence for every emotion, the message is neutral. */
  neutralFloor: z.number().min(0),
  /** Evidence at which the intensity of an English (or symbol-only) message reaches 1 - 1/e (about 0.63). */
  intensityScale: z.number().positive(),
  /** Evidence at which polarity reaches tanh(1) (about 0.76). */
  polarityScale: z.number().positive(),
  /** Factor on evidence after the last contrast word; evidence before it gets its inverse. */
  contrastFactor: z.number().min(1),
  /** Factor on negative evidence in the polarity: in a review, one complaint outweighs one compliment. */
  negativityBias: z.number().min(0),
  /**
   * Negative evidence a Chinese statement about the goods or the service gets when nothing kind
   * was said (see `complaintStatement`): customers at a complaint desk state facts to complain.
   */
  complaintLean: z.number().min(0),
  /**
   * Evidence at which the intensity of a Chinese message reaches 1 - 1/e. The Chinese lexicon
   * finds more and stronger words per message than the English model gives evidence, so the
   * same escalation intensity would mean a milder message in Chinese without this scale.
   */
  zhIntensityScale: z.number().positive(),
  /**
   * Weight of the Chinese corpus model in the polarity: this times the model's log-odds of
   * "negative" (clipped to ±4) is subtracted from the lexicon's polarity evidence, for a review or
   * a statement of at least 4 Han characters that is not a request.
   */
  zhCorpusWeight: z.number().min(0),
  /** Anger evidence the English corpus model adds: this times how far its probability exceeds its prior. */
  enCorpusWeight: z.number().min(0),
}).strict();
export type EmotionTuning = z.infer<typeof emotionTuningSchema>;

export const DEFAULT_EMOTION_TUNING: EmotionTuning = {
  modelWeight: 3,
  negativeToFrustration: 0.5,
  frustrationShare: 0.4,
  neutralFloor: 0.3,
  intensityScale: 1,
  polarityScale: 1,
  contrastFactor: 1.5,
  negativityBias: 1,
  complaintLean: 0.1,
  zhIntensityScale: 2.5,
  zhCorpusWeight: 0.75,
  enCorpusWeight: 1,
};

/** How a detector is built; every field has a default. */
export const emotionDetectorOptionsSchema = z.object({
  /** Anger or frustration at or above this intensity counts as escalation-strength ({@link EmotionDetector.isEscalating}). */
  escalationIntensity: z.number().min(0).max(1).default(DEFAULT_ESCALATION_INTENSITY),
  /** Use the trained English model (off: English is read by its lexicon alone). */
  englishModel: z.boolean().default(true),
  /** Use the models trained on the project's own corpus (corpus-model-weights.ts). */
  corpusModels: z.boolean().default(true),
  /** Other corpus-model weights than the shipped ones (the training script cross-validates with these). */
  corpusModelWeights: z.object({ zhNegative: corpusModelWeightsSchema, enAnger: corpusModelWeightsSchema }).strict().optional(),
  tuning: emotionTuningSchema.partial().default({}),
}).strict();
export type EmotionDetectorOptions = z.input<typeof emotionDetectorOptionsSchema>;

/** Options of one call to {@link EmotionDetector.detect}. */
export const detectOptionsSchema = z.object({
  /** Keep at most this many reasons, strongest first (the console shows a few). */
  maxReasons: z.number().int().min(0).max(100).optional(),
}).strict();
export type DetectOptions = z.infer<typeof detectOptionsSchema>;

/** Reads the emotion of one customer message, offline, in Chinese, English or both mixed. */
export interface EmotionDetector {
  detect(text: string, options?: DetectOptions): EmotionResult;
  /** Anger or frustration at or above the escalation intensity. */
  isEscalating(result: EmotionResult): boolean;
}
