import { DEFAULT_ESCALATION_INTENSITY } from '../emotion/emotion-types';
import { EscalationPolicy, type EmotionReading, type EscalationInput } from './escalation-policy';

const calm: EmotionReading = { emotion: 'neutral', intensity: 0, polarity: 0 };
const reading = (emotion: EmotionReading['emotion'], intensity: number, polarity = -0.5): EmotionReading => ({ emotion, intensity, polarity });

function input(overrides: Partial<EscalationInput>): EscalationInput {
  return { text: '', readings: [calm], failedAnswers: 0, explicitRequest: false, vip: false, ...overrides };
}

describe('EscalationPolicy', () => {
  // Thresholds fixed here so the cases read plainly; the defaults are checked at the end.
  const policy = new EscalationPolicy({ angerIntensity: 0.6, trendIntensity: 0.45 });

  it('leaves a calm conversation with the bot and records nothing', () => {
    expect(policy.decide(input({ text: '退款多久到账' }))).toEqual({ escalate: false, priority: 'normal', reasons: [], signals: [] });
  });

  it.each([
    ['受伤', '充电宝突然起火，孩子手被烫伤了', ['起火', '烫伤']],
    ['fire', 'The heater caught fire last night', ['fire', 'caught fire']],
  ])('makes safety words urgent (%s)', (_name, text, cues) => {
    const decision = policy.decide(input({ text }));
    expect(decision).toMatchObject({ escalate: true, priority: 'urgent' });
    expect(decision.reasons).toContainEqual({ code: 'safety', cues });
  });

  it.each([
    ['再不处理我就打12315，还要找媒体曝光', ['12315', '曝光', '媒体']],
    ["I'm calling my lawyer and I will sue you", ['lawyer', 'sue']],
  ])('makes threats to go outside urgent: %s', (text, cues) => {
    const decision = policy.decide(input({ text }));
    expect(decision.priority).toBe('urgent');
    expect(decision.reasons).toEqual([{ code: 'external_threat', cues }]);
  });

  it('does not mistake "issue" for "sue" or "fired" for "fire"', () => {
    expect(policy.decide(input({ text: 'There is an issue with the order, the courier got fired' })).escalate).toBe(false);
  });

  it('escalates an explicit request for a person at normal priority', () => {
    expect(policy.decide(input({ text: '转人工', explicitRequest: true }))).toEqual({
      escalate: true,
      priority: 'normal',
      reasons: [{ code: 'explicit_request' }],
      signals: [{ code: 'explicit_request' }],
    });
  });

  it('escalates one strongly angry message, but not a mildly annoyed one', () => {
    expect(policy.decide(input({ readings: [reading('anger', 0.8)] })).reasons).toEqual([{ code: 'strong_emotion', emotion: 'anger', intensity: 0.8 }]);
    expect(policy.decide(input({ readings: [reading('frustration', 0.6)] })).priority).toBe('high');
    expect(policy.decide(input({ readings: [reading('anger', 0.5)] })).escalate).toBe(false);
  });

  it('escalates a trend of negative messages that are each below the single-message threshold', () => {
    const readings = [reading('frustration', 0.5), reading('anxiety', 0.4), reading('anger', 0.55)];
    const decision = policy.decide(input({ readings }));
    expect(decision.reasons).toEqual([{ code: 'emotion_trend', meanIntensity: 0.483, negativeMessages: 3, window: 3 }]);
    expect(decision.priority).toBe('high');
  });

  it('only looks at the latest messages for the trend', () => {
    const readings = [reading('anger', 0.59), reading('anger', 0.59), calm, calm, reading('frustration', 0.3)];
    const decision = policy.decide(input({ readings }));
    expect(decision.escalate).toBe(false);
    expect(decision.signals).toEqual([]);
  });

  it('records a weak negative trend as a signal without escalating', () => {
    const decision = policy.decide(input({ readings: [reading('frustration', 0.3), reading('frustration', 0.3), calm] }));
    expect(decision).toEqual({
      escalate: false,
      priority: 'normal',
      reasons: [],
      signals: [{ code: 'emotion_trend', meanIntensity: 0.2, negativeMessages: 2, window: 3 }],
    });
  });

  it('offers a person after two failed answers', () => {
    expect(policy.decide(input({ failedAnswers: 1 })).escalate).toBe(false);
    expect(policy.decide(input({ failedAnswers: 2 })).reasons).toEqual([{ code: 'repeated_failure', failedAnswers: 2 }]);
  });

  it('counts shouting with a negative message, and only notes it otherwise', () => {
    const angry = policy.decide(input({ text: 'WHERE IS MY ORDER', readings: [reading('frustration', 0.4)] }));
    expect(angry.reasons).toEqual([{ code: 'shouting', capsRatio: 1 }]);
    const happy = policy.decide(input({ text: '太好了！！！谢谢', readings: [reading('positive', 0.7, 0.8)] }));
    expect(happy).toMatchObject({ escalate: false, signals: [{ code: 'shouting', exclamations: 3 }] });
  });

  it('does not take short capitals (UPS, OK) for shouting', () => {
    expect(policy.decide(input({ text: 'UPS says OK', readings: [reading('frustration', 0.4)] })).escalate).toBe(false);
  });

  it('is quicker for VIP customers', () => {
    const worried = [reading('anxiety', 0.35)];
    expect(policy.decide(input({ readings: worried })).escalate).toBe(false);
    expect(policy.decide(input({ readings: worried, vip: true })).reasons).toEqual([{ code: 'vip', emotion: 'anxiety', intensity: 0.35 }]);
  });

  it('by default lets one mildly frustrated message pass, but not anger that stays at the detector\'s escalation intensity', () => {
    const defaults = new EscalationPolicy();
    expect(defaults.options.trendIntensity).toBe(DEFAULT_ESCALATION_INTENSITY);
    expect(defaults.options.angerIntensity).toBeGreaterThan(DEFAULT_ESCALATION_INTENSITY);
    const angry = reading('frustration', DEFAULT_ESCALATION_INTENSITY + 0.05);
    expect(defaults.decide(input({ readings: [calm, angry] })).escalate).toBe(false);
    expect(defaults.decide(input({ readings: [angry, angry, angry] })).reasons.map((reason) => reason.code)).toEqual(['emotion_trend']);
  });

  it('takes its thresholds from configuration and rejects impossible ones', () => {
    const strict = new EscalationPolicy({ failedAnswers: 3, angerIntensity: 0.9 });
    expect(strict.decide(input({ failedAnswers: 2, readings: [reading('anger', 0.8)] })).escalate).toBe(false);
    expect(() => new EscalationPolicy({ angerIntensity: 1.5 })).toThrow();
  });
});
