/**
 * Text normalisation shared by the rule-based recognisers. Customers type on phones with
 * Chinese input methods, so the same message arrives with full-width letters and digits
 * (`ｏｒｄｅｒ １２３`), ideographic spaces and curly apostrophes; every rule matches against
 * the folded form so that one pattern covers all of them.
 */

/**
 * NFKC (full-width letters, digits and most punctuation become ASCII), curly quotes become
 * straight ones, runs of white space become one space, and the ends are trimmed.
 */
export function normalizeText(text: string): string {
  return text
    .normalize('NFKC')
    .replace(/[\u2018\u2019\u02bc\u2032]/g, "'")
    .replace(/[\u201c\u201d]/g, '"')
    .replace(/[\s\u200b\ufeff]+/g, ' ')
    .trim();
}

/** {@link normalizeText} and lower case: the form every keyword rule matches against. */
export function foldText(text: string): string {
  return normalizeText(text).toLowerCase();
}

/**
 * Replaces punctuation and symbols (including emoji) with spaces and collapses the result.
 * An apostrophe between two letters is kept, so `don't` and `that's` survive as words.
 */
export function stripPunctuation(text: string): string {
  return text
    .replace(/[\p{P}\p{S}]/gu, (mark, offset: number, whole: string) => {
      const keepApostrophe =
        mark === "'" && /\p{L}/u.test(whole.charAt(offset - 1)) && /\p{L}/u.test(whole.charAt(offset + 1));
      return keepApostrophe ? mark : ' ';
    })
    .replace(/\s+/g, ' ')
    .trim();
}

/** Number of Han (Chinese) characters in the text. */
export function countHan(text: string): number {
  return (text.match(/\p{Script=Han}/gu) ?? []).length;
}

/** Overwrites every match of `pattern` (which must be global) with spaces of the same length, keeping offsets. */
export function blankOut(text: string, pattern: RegExp): string {
  return text.replace(pattern, (match) => ' '.repeat(match.length));
}
