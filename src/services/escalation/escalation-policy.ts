import { z } from 'zod';
import { DEFAULT_ESCALATION_INTENSITY, EMOTIONS, type Emotion } from '../emotion/emotion-types';
import { compileCue, EXTERNAL_THREAT_CUES, matchingCues, normaliseForCues, SAFETY_CUES } from '../nlu/cues';

export { EMOTIONS, type Emotion };

/** What the policy needs from the emotion detector about one customer message. */
export interface EmotionReading {
  emotion: Emotion;
  /** 0 (none) .. 1 (extreme). */
  intensity: number;
  /** -1 (negative) .. 1 (positive). */
  polarity: number;
}

/** Thresholds of the policy; configuration, so each desk can tune how quickly people step in. */
export const escalationOptionsSchema = z.object({
  /**
   * One message of anger or frustration at or above this intensity asks for a person at once.
   * Higher than the detector's escalation intensity, at which a message counts as angry (what
   * `hearline eval emotion` measures): a customer stating a fault is often mildly frustrated,
   * and the bot should take that complaint itself rather than hand every complainant over.
   */
  angerIntensity: z.number().min(0).max(1),
  /** How many of the latest customer messages make up the emotional trend. */
  trendWindow: z.number().int().min(2).max(20),
  /**
   * Mean anger/frustration/anxiety intensity over the window (two negative messages at least,
   * calm ones counting 0) that escalates: by default the detector's escalation intensity, i.e.
   * the customer has stayed angry.
   */
  trendIntensity: z.number().min(0).max(1),
  /** Knowledge answers that failed (did not help, declined, none) before a person is offered. */
  failedAnswers: z.number().int().min(1).max(10),
  /** For VIP customers, any anger, frustration or anxiety at or above this escalates. */
  vipIntensity: z.number().min(0).max(1),
  /** Share of capital letters (among at least 8 letters) that counts as shouting. */
  shoutingCapsRatio: z.number().min(0.5).max(1),
  /** Exclamation marks in a row ("!!!", "！！！") that count as shouting. */
  shoutingExclamations: z.number().int().min(2).max(10),
});
export type EscalationOptions = z.infer<typeof escalationOptionsSchema>;

export const DEFAULT_ESCALATION_OPTIONS: EscalationOptions = {
  angerIntensity: 0.6,
  trendWindow: 3,
  trendIntensity: DEFAULT_ESCALATION_INTENSITY,
  failedAnswers: 2,
  vipIntensity: 0.3,
  shoutingCapsRatio: 0.7,
  shoutingExclamations: 3,
};

/** What the policy looks at: the latest message and what the conversation has shown so far. */
export interface EscalationInput {
  text: string;
  /** One reading per customer message, oldest first, the latest message's last. */
  readings: readonly EmotionReading[];
  failedAnswers: number;
  /** The customer asked for a person (人工, agent, DTMF 0 ...), as the language understanding found. */
  explicitRequest: boolean;
  vip: boolean;
}

/** One reason for (or signal towards) a handoff, machine-readable so agents and audits can see why. */
export type EscalationReason =
  | { code: 'explicit_request' }
  | { code: 'safety'; cues: string[] }
  | { code: 'external_threat'; cues: string[] }
  | { code: 'strong_emotion'; emotion: Emotion; intensity: number }
  | { code: 'emotion_trend'; meanIntensity: number; negativeMessages: number; window: number }
  | { code: 'repeated_failure'; failedAnswers: number }
  | { code: 'shouting'; capsRatio?: number; exclamations?: number }
  | { code: 'vip'; emotion: Emotion; intensity: number };

export type EscalationPriority = 'normal' | 'high' | 'urgent';

/**
 * Whether to hand the conversation to a person now, how urgently, and why. `signals` lists
 * everything noticed, including what did not escalate on its own (shouting at a calm moment);
 * `reasons` is what decided. Safety and threats to go outside are urgent and jump the queue.
 */
export interface EscalationDecision {
  escalate: boolean;
  priority: EscalationPriority;
  reasons: EscalationReason[];
  signals: EscalationReason[];
}

const NEGATIVE_EMOTIONS: readonly Emotion[] = ['anger', 'frustration', 'anxiety'];
const ANGRY_EMOTIONS: readonly Emotion[] = ['anger', 'frustration'];
const SAFETY = SAFETY_CUES.map(compileCue);
const THREATS = EXTERNAL_THREAT_CUES.map(compileCue);

/**
 * A conversation-level, explainable escalation policy (issue: emotion-aware escalation). Pure:
 * the same input always gives the same decision, so it is tested without a bot.
 */
export class EscalationPolicy {
  readonly options: EscalationOptions;

  constructor(options: Partial<EscalationOptions> = {}) {
    this.options = escalationOptionsSchema.parse({ ...DEFAULT_ESCALATION_OPTIONS, ...options });
  }

  decide(input: EscalationInput): EscalationDecision {
    const o = this.options;
    const text = normaliseForCues(input.text);
    const latest = input.readings[input.readings.length - 1];
    const signals: EscalationReason[] = [];
    const reasons: EscalationReason[] = [];
    const decide = (reason: EscalationReason) => {
      signals.push(reason);
      reasons.push(reason);
    };

    const safety = matchingCues(SAFETY, text);
    if (safety.length > 0) decide({ code: 'safety', cues: safety });
    const threats = matchingCues(THREATS, text);
    if (threats.length > 0) decide({ code: 'external_threat', cues: threats });
    if (input.explicitRequest) decide({ code: 'explicit_request' });

    if (latest && ANGRY_EMOTIONS.includes(latest.emotion) && latest.intensity >= o.angerIntensity) {
      decide({ code: 'strong_emotion', emotion: latest.emotion, intensity: latest.intensity });
    }
    const trend = this.trend(input.readings);
    if (trend) {
      const reason: EscalationReason = { code: 'emotion_trend', ...trend, window: Math.min(o.trendWindow, input.readings.length) };
      if (trend.negativeMessages >= 2 && trend.meanIntensity >= o.trendIntensity) decide(reason);
      else if (trend.negativeMessages >= 2) signals.push(reason);
    }
    if (input.failedAnswers >= o.failedAnswers) decide({ code: 'repeated_failure', failedAnswers: input.failedAnswers });

    const shouting = this.shouting(input.text);
    if (shouting) {
      // Capitals or "!!!" alone can be excitement; with a negative message they are anger.
      if (latest && latest.polarity < 0) decide(shouting);
      else signals.push(shouting);
    }
    if (input.vip && latest && NEGATIVE_EMOTIONS.includes(latest.emotion) && latest.intensity >= o.vipIntensity) {
      decide({ code: 'vip', emotion: latest.emotion, intensity: latest.intensity });
    }

    const priority: EscalationPriority = reasons.some((reason) => reason.code === 'safety' || reason.code === 'external_threat')
      ? 'urgent'
      : reasons.some((reason) => ['strong_emotion', 'emotion_trend', 'shouting', 'vip'].includes(reason.code))
        ? 'high'
        : 'normal';
    return { escalate: reasons.length > 0, priority, reasons, signals };
  }

  /** Mean intensity of anger, frustration and anxiety over the latest messages (calm ones count as 0). */
  private trend(readings: readonly EmotionReading[]): { meanIntensity: number; negativeMessages: number } | undefined {
    const window = readings.slice(-this.options.trendWindow);
    if (window.length < 2) return undefined;
    const negative = window.filter((reading) => NEGATIVE_EMOTIONS.includes(reading.emotion));
    const sum = negative.reduce((total, reading) => total + reading.intensity, 0);
    return { meanIntensity: Math.round((sum / window.length) * 1000) / 1000, negativeMessages: negative.length };
  }

  private shouting(raw: string): EscalationReason | undefined {
    const letters = raw.normalize('NFKC').replace(/[^A-Za-z]/g, '');
    const capitals = letters.replace(/[^A-Z]/g, '').length;
    const capsRatio = letters.length >= 8 ? Math.round((capitals / letters.length) * 100) / 100 : 0;
    const longestRun = Math.max(0, ...[...raw.normalize('NFKC').matchAll(/!+/g)].map((run) => run[0].length));
    const caps = capsRatio >= this.options.shoutingCapsRatio;
    const bangs = longestRun >= this.options.shoutingExclamations;
    if (!caps && !bangs) return undefined;
    return { code: 'shouting', ...(caps ? { capsRatio } : {}), ...(bangs ? { exclamations: longestRun } : {}) };
  }
}
