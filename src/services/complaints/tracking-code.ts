import type { RandomSource } from '../../util/random';

/**
 * Symbols of a tracking code: digits and capitals without 0/O and 1/I, which people confuse
 * when reading a code aloud or typing it from a screenshot. 32 symbols, 5 bits each.
 */
export const TRACKING_ALPHABET = '23456789ABCDEFGHJKLMNPQRSTUVWXYZ';

/** Shape of a normalised code: `HL-` and two groups of four symbols (40 random bits). */
export const TRACKING_CODE_PATTERN = /^HL-[2-9A-HJ-NP-Z]{4}-[2-9A-HJ-NP-Z]{4}$/;

/** Draws a new tracking code such as `HL-7K3Q-9DXM`. */
export function generateTrackingCode(random: RandomSource): string {
  let symbols = '';
  for (let i = 0; i < 8; i += 1) {
    symbols += TRACKING_ALPHABET[random.int(TRACKING_ALPHABET.length)];
  }
  return `HL-${symbols.slice(0, 4)}-${symbols.slice(4)}`;
}

/**
 * Finds a tracking code in free text, tolerating lower case, spaces, full-width characters
 * and missing dashes (`hl 7k3q 9dxm`, `HL7K3Q9DXM`). Returns the normalised code or undefined.
 */
export function findTrackingCode(text: string): string | undefined {
  const halfWidth = text.normalize('NFKC').toUpperCase();
  const candidates = /(?<![A-Z0-9])HL[\s\-_]*([A-Z0-9]{4})[\s\-_]*([A-Z0-9]{4})(?![A-Z0-9]|-[A-Z0-9])/g;
  for (const match of halfWidth.matchAll(candidates)) {
    const code = `HL-${match[1]}-${match[2]}`;
    if (TRACKING_CODE_PATTERN.test(code)) return code;
  }
  return undefined;
}
