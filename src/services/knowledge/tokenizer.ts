/**
 * Turns a question into matching terms without a dictionary: Chinese has no spaces, so Han text
 * becomes character unigrams (robust to unseen words) plus bigrams (which approximate words);
 * English becomes lower-cased, lightly stemmed words without stop words. Mixed text gets both.
 * The later jieba-based engine replaces this; until then it must stay simple and predictable.
 */

/** Han characters that carry no topic on their own (particles, pronouns, measure words). */
const HAN_STOP_CHARS = new Set([...'的了吗呢啊吧呀哦嘛么我你您他她们是个这那']);

/** English function words; anything topical is left for IDF to weigh. */
const ENGLISH_STOP_WORDS = new Set(
  (
    'a an the i me my mine myself you your yours we us our ours he him his she her it its they them their ' +
    'this that these those is am are was were be been being do does did doing have has had having ' +
    'to of in on at for with from by about into as and or but so if then than there here ' +
    'can could would should will shall may might must what when where which who whom how why ' +
    'just also too very really please hi hello hey ok okay thanks thank some any all'
  ).split(' '),
);

/** Contracted endings; "n't" is kept as "not" because negation matters ("hasn't arrived"). */
function expandContractions(text: string): string {
  return text
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/n't\b/g, ' not')
    .replace(/'(?:s|re|ve|d|ll|m)\b/g, '');
}

/**
 * A deliberately tiny stemmer: plural -s/-ies, -ing, -ed, and a final -e, so that
 * refund/refunds/refunded and arrive/arrived/arriving meet. Stems need not be real words,
 * only the same for the same word family.
 */
export function stemEnglish(word: string): string {
  if (word.length <= 3 || /^\d+$/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (stem.endsWith('s') && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);

  let suffixRemoved = false;
  if (stem.endsWith('ing') && stem.length > 5) {
    stem = stem.slice(0, -3);
    suffixRemoved = true;
  } else if (stem.endsWith('ed') && stem.length > 4) {
    stem = stem.slice(0, -2);
    suffixRemoved = true;
  }
  // shipped -> shipp -> ship; but keep fill, miss, buzz as they are.
  if (suffixRemoved && /([b-df-hj-kmnp-rtv-y])\1$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith('e') && stem.length > 3) stem = stem.slice(0, -1);
  return stem;
}

/** Whether a term is a Han bigram: in a question, an unknown one usually straddles two words. */
export function isHanBigram(term: string): boolean {
  return /^\p{Script=Han}{2}$/u.test(term);
}

/** The matching terms of `text`, in order, duplicates kept (term frequency matters). */
export function tokenize(text: string): string[] {
  const normalized = expandContractions(text.normalize('NFKC').toLowerCase().replace(/[\u2018\u2019]/g, "'"));
  const terms: string[] = [];
  for (const match of normalized.matchAll(/(\p{Script=Han}+)|([a-z0-9]+)/gu)) {
    const [, han, word] = match;
    if (han !== undefined) {
      const chars = [...han];
      chars.forEach((char, index) => {
        if (!HAN_STOP_CHARS.has(char)) terms.push(char);
        const next = chars[index + 1];
        // A bigram with a particle or pronoun ("给我", "退了") is rarely a word worth matching.
        if (next !== undefined && !HAN_STOP_CHARS.has(char) && !HAN_STOP_CHARS.has(next)) terms.push(char + next);
      });
    } else if (word !== undefined && !ENGLISH_STOP_WORDS.has(word)) {
      terms.push(stemEnglish(word));
    }
  }
  return terms;
}
