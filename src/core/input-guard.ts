/** What the bot core makes of raw customer text before any dialog sees it. */
export type InspectedInput =
  | { kind: 'ok'; text: string }
  | { kind: 'empty' }
  | { kind: 'tooLong'; length: number }
  | { kind: 'emojiOnly' };

// Control characters other than tab and newline, plus zero-width and bidi controls: they
// break rendering and matching and are never meant by the customer.
const CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u200B-\u200F\u202A-\u202E\u2060-\u2064\uFEFF]/g;

/**
 * Cleans and classifies raw input: strips control characters, then flags empty, over-long
 * and emoji-only messages, which get a polite answer instead of reaching the dialogs.
 * Length counts characters as people see them (code points), not UTF-16 units.
 */
export function inspectInput(raw: string | undefined, maxChars: number): InspectedInput {
  const text = (raw ?? '').replace(CONTROL, '').replace(/\r\n?/g, '\n').trim();
  if (text.length === 0) return { kind: 'empty' };
  const length = [...text].length;
  if (length > maxChars) return { kind: 'tooLong', length };
  if (!/[\p{L}\p{N}]/u.test(text)) {
    return /\p{Extended_Pictographic}/u.test(text) ? { kind: 'emojiOnly' } : { kind: 'empty' };
  }
  return { kind: 'ok', text };
}
