/**
 * Masks personal data in text bound for logs (DOMAIN.md "Risks": PIPL / GDPR). Agents may see
 * the real values in their console; logs never do.
 */

const RULES: ReadonlyArray<{ pattern: RegExp; mask: (match: string) => string }> = [
  // E-mail: keep the first character and the domain, which is enough to debug delivery.
  {
    pattern: /[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}/g,
    mask: (m) => {
      const at = m.indexOf('@');
      return `${m[0]}***${m.slice(at)}`;
    },
  },
  // Chinese resident ID card: 17 digits and a digit or X.
  { pattern: /(?<![0-9])[1-9]\d{5}(?:19|20)\d{2}(?:0[1-9]|1[0-2])\d{2}\d{3}[\dXx](?![0-9])/g, mask: (m) => `${m.slice(0, 3)}***********${m.slice(-4)}` },
  // Bank card: 15-19 digits, possibly grouped by spaces or dashes; keep the last four.
  { pattern: /(?<![0-9])\d{4}(?:[ -]?\d{4}){2}[ -]?\d{3,4}(?:[ -]?\d{1,3})?(?![0-9])/g, mask: (m) => `****${m.replace(/\D/g, '').slice(-4)}` },
  // Chinese mobile, optionally with +86: keep the first three and last four digits.
  { pattern: /(?<![0-9])(?:\+?86[ -]?)?1[3-9]\d[ -]?\d{4}[ -]?\d{4}(?![0-9])/g, mask: (m) => {
    const digits = m.replace(/\D/g, '').slice(-11);
    return `${digits.slice(0, 3)}****${digits.slice(-4)}`;
  } },
  // Other phone numbers in international form.
  { pattern: /\+\d[\d -]{6,16}\d/g, mask: (m) => `+****${m.replace(/\D/g, '').slice(-2)}` },
  // Landlines such as 010-12345678.
  { pattern: /(?<![0-9])0\d{2,3}[ -]\d{7,8}(?![0-9])/g, mask: (m) => `${m.slice(0, 4)}****${m.slice(-2)}` },
];

/** Returns the text with phone, ID-card, bank-card numbers and e-mails masked. */
export function maskPii(text: string): string {
  let masked = text;
  for (const rule of RULES) masked = masked.replace(rule.pattern, rule.mask);
  return masked;
}

/** Masks every string inside a log record, however deeply nested; other values pass through. */
export function maskPiiDeep(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return maskPii(value);
  if (depth > 8 || value === null || typeof value !== 'object') return value;
  if (value instanceof Error) {
    return { type: value.name, message: maskPii(value.message), stack: value.stack ? maskPii(value.stack) : undefined };
  }
  if (Array.isArray(value)) return value.map((item) => maskPiiDeep(item, depth + 1));
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) out[key] = maskPiiDeep(item, depth + 1);
  return out;
}
