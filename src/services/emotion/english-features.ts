/**
 * English text as features for the trained English emotion model. The training script
 * (bench/train-emotion-en.ts) and the detector both call {@link englishFeatures}, so the model
 * always sees at run time exactly what it was trained on.
 */

/** Words after which the next few words are marked as negated ("not happy" -> `not_happy`). */
const NEGATORS = new Set(['not', 'no', 'never', 'nothing', 'nobody', 'none', 'nowhere', 'neither', 'nor', 'without', 'cannot', 'hardly', 'barely']);

/** How many words a negation reaches, unless punctuation or "but" ends it first. */
const NEGATION_SCOPE = 3;

/**
 * NFKC, lower case, straight apostrophes, "n't" spelled out as "not" (negation matters), links
 * and @handles removed (they carry no emotion and tie a model to one site), and `#` dropped so
 * that `#angry` reads as `angry`.
 */
export function normalizeEnglish(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/https?:\/\/\S+/g, ' ')
    .replace(/@\w+/g, ' ')
    .replace(/#(?=\w)/g, ' ')
    .replace(/[\u2018\u2019\u02bc\u2032`]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bain't\b/g, 'is not')
    .replace(/n't\b/g, ' not')
    .replace(/'(?:s|re|ve|d|ll|m)\b/g, '');
}

const TOKEN = /[a-z]+|[!?]+|[.,;:]+|\p{Extended_Pictographic}/gu;

/** Words, runs of `!`/`?`, clause punctuation and emoji, in order. */
export function englishTokens(text: string): string[] {
  return [...normalizeEnglish(text).matchAll(TOKEN)].map((match) => {
    const token = match[0];
    // Runs of "!" or "?" are one token each, capped so "!!!!!!" and "!!!" are the same feature.
    if (/^[!?]+$/.test(token)) return token.length >= 3 ? token.slice(0, 3) : token;
    return token;
  });
}

/**
 * Unigrams and bigrams of {@link englishTokens}, with words under a negation prefixed `not_`.
 * Clause punctuation ends a negation and is not itself a feature.
 */
export function englishFeatures(text: string): string[] {
  const words: string[] = [];
  let negated = 0;
  for (const token of englishTokens(text)) {
    if (/^[.,;:]+$/.test(token)) {
      negated = 0;
      words.push('|');
      continue;
    }
    if (token === 'but') negated = 0;
    if (negated > 0 && /^[a-z]/.test(token)) {
      words.push(`not_${token}`);
      negated -= 1;
    } else {
      words.push(token);
    }
    if (NEGATORS.has(token)) negated = NEGATION_SCOPE;
  }
  const features: string[] = [];
  for (let i = 0; i < words.length; i += 1) {
    const word = words[i] as string;
    if (word === '|') continue;
    features.push(word);
    const next = words[i + 1];
    if (next !== undefined && next !== '|') features.push(`${word} ${next}`);
  }
  return features;
}
