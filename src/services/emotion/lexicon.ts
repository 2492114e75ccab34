/**
 * The shape of the emotion lexicons (lexicon-zh.ts, lexicon-en.ts) and their compiled form.
 */

/**
 * What a lexicon term signals. The six detector emotions except `neutral`, plus `negative`
 * (plain dissatisfaction: "slow", "broken", "太咸"), which lowers the polarity and counts a
 * little towards frustration. `neutral` terms signal nothing: they exist so that a longer
 * harmless word wins over an emotion word inside it (快递 is not 快, "no problem" is not "problem").
 */
export const LEXICON_EMOTIONS = ['anger', 'frustration', 'anxiety', 'sadness', 'positive', 'negative', 'neutral'] as const;
export type LexiconEmotion = (typeof LEXICON_EMOTIONS)[number];

/** A group of terms with one emotion and one weight, as the lexicon files write them. */
export interface LexiconGroup {
  emotion: LexiconEmotion;
  /** Evidence of one occurrence, before negation, intensifiers, contrast and punctuation. */
  weight: number;
  terms: readonly string[];
}

export interface LexiconEntry {
  term: string;
  emotion: LexiconEmotion;
  weight: number;
}

/** A lexicon ready for lookups: exact terms, and `word*` prefixes for single words. */
export interface CompiledLexicon {
  exact: ReadonlyMap<string, LexiconEntry>;
  prefixes: readonly LexiconEntry[];
  /** The most words (space-separated) or characters (Chinese) in one term. */
  longestTerm: number;
}

/**
 * Compiles lexicon groups; a term listed twice is an error (its two weights would silently
 * disagree), reported with the lexicon's name.
 */
export function compileLexicon(name: string, groups: readonly LexiconGroup[], measure: (term: string) => number): CompiledLexicon {
  const exact = new Map<string, LexiconEntry>();
  const prefixes: LexiconEntry[] = [];
  const seen = new Set<string>();
  let longestTerm = 1;
  for (const group of groups) {
    for (const raw of group.terms) {
      const term = raw.normalize('NFKC').toLowerCase();
      if (seen.has(term)) throw new Error(`compileLexicon: "${raw}" is listed twice in the ${name} lexicon`);
      seen.add(term);
      const entry: LexiconEntry = { term, emotion: group.emotion, weight: group.weight };
      if (term.length > 1 && term.endsWith('*')) prefixes.push({ ...entry, term: term.slice(0, -1) });
      else exact.set(term, entry);
      longestTerm = Math.max(longestTerm, measure(term));
    }
  }
  return { exact, prefixes, longestTerm };
}

/** The entry for one word or phrase, trying `word*` prefixes for single words. */
export function lookupTerm(lexicon: CompiledLexicon, term: string): LexiconEntry | undefined {
  const exact = lexicon.exact.get(term);
  if (exact !== undefined || term.includes(' ')) return exact;
  return lexicon.prefixes.find((entry) => term.startsWith(entry.term));
}
