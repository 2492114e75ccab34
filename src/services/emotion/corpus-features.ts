/**
 * Features of the corpus models (corpus-model.ts), shared by the training script
 * (bench/train-emotion-corpus.ts) and the detector, so the models see at run time exactly what
 * they were trained on.
 */
import { englishFeatures, normalizeEnglish } from './english-features';

/** Characters kept for Chinese n-grams: Han, Latin letters, digits and the punctuation that carries tone. */
const ZH_KEEP = /[\p{Script=Han}a-z0-9!?~"“”…]/u;

/**
 * Character 1- to 3-grams of a Chinese (or mixed) text, NFKC and lower case, spaces and most
 * punctuation dropped; a clause boundary (，。；) breaks the grams so that "好，差" is not "好差".
 * Prefixed `c:` so that they cannot collide with word features.
 */
export function chineseFeatures(text: string): string[] {
  const features: string[] = [];
  const clauses = text.normalize('NFKC').toLowerCase().split(/[,.;:，。；：、\n]+/u);
  for (const clause of clauses) {
    const chars = [...clause].filter((char) => ZH_KEEP.test(char)).map((char) => (char === '“' || char === '”' ? '"' : char));
    for (let i = 0; i < chars.length; i += 1) {
      features.push(`c:${chars[i]}`);
      if (i + 1 < chars.length) features.push(`c:${chars[i]}${chars[i + 1]}`);
      if (i + 2 < chars.length) features.push(`c:${chars[i]}${chars[i + 1]}${chars[i + 2]}`);
    }
  }
  return features;
}

/**
 * Word unigrams and bigrams of {@link englishFeatures} (with negation marked), plus character
 * 3- and 4-grams inside each word (`#` marks the word's edges), which carry spelling variants
 * ("soooo", "pissed"/"pissing") and words the corpus has not seen whole.
 */
export function englishCorpusFeatures(text: string): string[] {
  const features = englishFeatures(text);
  for (const word of normalizeEnglish(text).match(/[a-z]+/g) ?? []) {
    const padded = `#${word}#`;
    for (let n = 3; n <= 4; n += 1) for (let i = 0; i + n <= padded.length; i += 1) features.push(`g:${padded.slice(i, i + n)}`);
  }
  return features;
}
