/**
 * Keyword cues in Chinese and English, matched after NFKC normalisation and lower-casing.
 * Chinese cues match anywhere (Chinese does not separate words); a cue that starts or ends
 * with a Latin letter or digit matches whole words only, with an optional plural `s`
 * (`fee` matches `fees`, `fire` does not match `fired`, `sue` not `issue`).
 */
export interface CompiledCue {
  cue: string;
  pattern: RegExp;
}

/** Safety and health: someone may be hurt, so a person must look at once (DOMAIN.md "Risks to watch"). */
export const SAFETY_CUES: readonly string[] = [
  '受伤', '起火', '着火', '爆炸', '中毒', '烫伤', '触电', '过敏', '住院',
  'injury', 'injuries', 'injured', 'fire', 'caught fire', 'smoke', 'explode', 'exploded', 'explosion',
  'poisoning', 'burned', 'burnt', 'electric shock', 'hospital', 'allergic',
];

/** Escalation outside the company: regulators, lawyers, courts, the press (DOMAIN.md "Risks to watch"). */
export const EXTERNAL_THREAT_CUES: readonly string[] = [
  '12315', '消协', '消费者协会', '律师', '起诉', '法院', '曝光', '媒体', '记者', '集体投诉',
  // "the press", not "press": customers "press the button" far more often than they threaten newspapers.
  'lawyer', 'sue', 'court', 'media', 'journalist', 'the press', 'regulator',
];

/** Full-width letters and digits become ASCII (ＢＲＯＫＥＮ -> broken), then lower case. */
export function normaliseForCues(text: string): string {
  return text.normalize('NFKC').toLowerCase();
}

export function compileCue(cue: string): CompiledCue {
  const text = normaliseForCues(cue).trim();
  const body = text.split(/\s+/).map(escapeRegExp).join(String.raw`\s+`);
  // Only Latin letters and digits count as word characters: a Chinese character right next to
  // an English word ("快递package没到") is a boundary, since mixed text is often unspaced.
  const start = /^[a-z0-9]/.test(text) ? '(?<![a-z0-9])' : '';
  const end = /[a-z]$/.test(text) ? 's?(?![a-z0-9])' : /[0-9]$/.test(text) ? '(?![a-z0-9])' : '';
  return { cue, pattern: new RegExp(`${start}${body}${end}`, 'u') };
}

/** The cues found in already normalised text, in the order of `cues`. */
export function matchingCues(cues: readonly CompiledCue[], normalisedText: string): string[] {
  return cues.filter(({ pattern }) => pattern.test(normalisedText)).map(({ cue }) => cue);
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
