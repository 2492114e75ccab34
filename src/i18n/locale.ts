import type { Locale } from '../domain/complaint';

/**
 * Hearline's locale for a language tag from a browser or a channel (`zh`, `zh-TW`, `en-GB`...):
 * every Chinese tag is answered in zh-CN, every English one in en-US, others not at all.
 */
export function normaliseLocale(tag: string): Locale | undefined {
  const lower = tag.trim().toLowerCase();
  if (lower.startsWith('zh')) return 'zh-CN';
  if (lower.startsWith('en')) return 'en-US';
  return undefined;
}
