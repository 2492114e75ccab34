/**
 * Text analysis for the knowledge engine: one normalisation for Chinese, English and mixed
 * text, then words (jieba for Han runs, lightly stemmed English words) and character n-grams
 * (which tolerate misspellings and the words jieba does not know, such as 花呗).
 */

/** The piece of `@node-rs/jieba` the tokenizer uses. */
interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
}

let segmenter: Segmenter | undefined;

/**
 * Jieba with its bundled dictionary, created on first use: loading the dictionary takes about
 * 0.3 s, which English-only knowledge bases and tests never need to pay.
 */
function jieba(): Segmenter {
  if (segmenter === undefined) {
    // Required lazily for the same reason; the package ships CommonJS with its own types.
    const { Jieba } = require('@node-rs/jieba') as typeof import('@node-rs/jieba');
    const { dict } = require('@node-rs/jieba/dict') as typeof import('@node-rs/jieba/dict');
    segmenter = Jieba.withDict(dict);
  }
  return segmenter;
}

/** A question taken apart for matching. */
export interface AnalyzedText {
  /** Words in order: stemmed English words and jieba's Chinese words, without punctuation. */
  words: string[];
  /**
   * Character n-grams: 3- to 5-grams of each English word padded with spaces ("refnd" still
   * shares " re", "ref" with "refund"), and Han unigrams and bigrams of each Han run.
   */
  charGrams: string[];
}

/**
 * NFKC (full-width letters and digits become ASCII), lower case, straight apostrophes, and
 * English contractions spelled out. "n't" becomes "not" because negation matters
 * ("hasn't arrived"); the other endings carry no topic and are dropped.
 */
export function normalizeForMatching(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .replace(/[\u2018\u2019\u02bc\u2032`]/g, "'")
    .replace(/\bcan't\b/g, 'can not')
    .replace(/\bwon't\b/g, 'will not')
    .replace(/\bain't\b/g, 'is not')
    .replace(/n't\b/g, ' not')
    .replace(/'(?:s|re|ve|d|ll|m)\b/g, '');
}

/**
 * A light English stemmer: plural -s/-es/-ies, -ing, -ed and a final -e or -y, so that
 * refund/refunds/refunded and arrive/arrived/arriving meet. Stems need not be real words,
 * only the same for one word family; over-stemming is avoided because the character n-grams
 * already cover near spellings.
 */
export function stemEnglish(word: string): string {
  if (word.length <= 2 || /\d/.test(word)) return word;
  let stem = word;
  if (stem.endsWith('ies') && stem.length > 4) stem = `${stem.slice(0, -3)}y`;
  else if (/(?:sses|ches|shes|xes)$/.test(stem)) stem = stem.slice(0, -2);
  else if (stem.endsWith('s') && stem.length > 3 && !/(?:ss|us|is)$/.test(stem)) stem = stem.slice(0, -1);

  let suffixRemoved = false;
  if (stem.endsWith('ing') && stem.length > 5) {
    stem = stem.slice(0, -3);
    suffixRemoved = true;
  } else if (stem.endsWith('ied') && stem.length > 4) {
    stem = `${stem.slice(0, -3)}y`;
  } else if (stem.endsWith('ed') && stem.length > 4) {
    stem = stem.slice(0, -2);
    suffixRemoved = true;
  }
  // shipped -> shipp -> ship; but keep fill, miss, buzz as they are.
  if (suffixRemoved && /([b-df-hj-kmnp-rtv-z])\1$/.test(stem) && !/(?:ll|ss|zz)$/.test(stem)) stem = stem.slice(0, -1);
  if (stem.endsWith('e') && stem.length > 3) stem = stem.slice(0, -1);
  // try, tries, tried -> tri.
  if (stem.endsWith('y') && stem.length > 2) stem = `${stem.slice(0, -1)}i`;
  return stem;
}

/**
 * Function words. They stay words (in intent data "how" and "why" tell questions apart) but
 * count half and give no character n-grams: in a small knowledge base IDF cannot tell that
 * "the" or 的 say nothing, and "what is the capital of France" would match "the delivery is late".
 */
const STOP_WORDS = new Set([
  ...'a an the i me my mine myself you your yours we us our ours he him his she her it its they them their this that these those is am are was were be been being do does did doing have has had having to of in on at for with from by about into as and or but so if then than there here can could would should will shall may might must just also too very please hi hello hey ok okay thank thanks some any all'
    .split(' ')
    .map(stemEnglish),
  ...'的 了 吗 呢 啊 吧 呀 哦 嘛 么 我 你 您 他 她 它 们 是 个 这 那 我们 你们 他们 一个 这个 那个 请问 一下'.split(' '),
]);

/**
 * Words that say something is wrong without saying what (不对, 用不了, 有毛病, 出错, "doesn't work",
 * "wrong", "broken"), and the adverbs that go with them (还是, 又, "still", "again"). They are
 * matched like any word ("优惠券用不了" is about coupons), but a message made only of them and
 * function words names no topic, however well it matches one article's examples ("税号不对",
 * "优惠券用不了"). Listed as {@link analyzeText} returns them: jieba's words, English stemmed.
 */
const VAGUE_WORDS = new Set([
  ...'not work wrong problem issue error fail broken bad trouble still again always'.split(' ').map(stemEnglish),
  ...'不 对 不对 用 不了 不能 不行 没 没有 有 毛病 问题 失败 出错 错 错误 搞错 坏 不好 没用 麻烦 还是 还 又 都 也 就 一直 总是 老是'.split(' '),
]);

/** Whether a word (as {@link analyzeText} returns it) says something is wrong without saying what. */
export function isVagueWord(word: string): boolean {
  return VAGUE_WORDS.has(word);
}

/** Whether a word (as {@link analyzeText} returns it) is a function word. */
export function isStopWord(word: string): boolean {
  return STOP_WORDS.has(word);
}

/** A run of Han characters, or a word of other letters and digits ("refund还没到" is two pieces). */
const HAN_RUN_OR_WORD = /(\p{Script=Han}+)|((?:(?!\p{Script=Han})[\p{L}\p{N}])+)/gu;
const HAN = /\p{Script=Han}/u;

/** Takes `text` apart into words and character n-grams; see {@link AnalyzedText}. */
export function analyzeText(text: string): AnalyzedText {
  const words: string[] = [];
  const charGrams: string[] = [];
  for (const match of normalizeForMatching(text).matchAll(HAN_RUN_OR_WORD)) {
    const [, han, word] = match;
    if (han !== undefined) {
      for (const piece of jieba().cut(han, false)) if (HAN.test(piece)) words.push(piece);
      const chars = [...han];
      chars.forEach((char, index) => {
        if (!STOP_WORDS.has(char)) charGrams.push(char);
        const next = chars[index + 1];
        if (next !== undefined) charGrams.push(char + next);
      });
    } else if (word !== undefined) {
      // Numbers are kept whole (order and card numbers vary, "24 hours" does not) and get no n-grams.
      const stem = stemEnglish(word);
      words.push(stem);
      if (/^\d+$/.test(word) || STOP_WORDS.has(stem)) continue;
      const padded = ` ${word} `;
      for (let size = 3; size <= 5; size += 1) {
        for (let start = 0; start + size <= padded.length; start += 1) charGrams.push(padded.slice(start, start + size));
      }
    }
  }
  return { words, charGrams };
}
