import type { Locale } from '../../domain/complaint';
import { normalizeText } from './normalize';

/**
 * What {@link detectLanguage} concluded about one message.
 * `locale` is undefined when the message carries no usable language signal (digits, a code,
 * an email, a single short word): the caller then keeps the conversation's current locale.
 * `unsupported` is true when the message is clearly in a language Hearline does not speak.
 */
export interface LanguageGuess {
  locale: Locale | undefined;
  unsupported: boolean;
}

const NO_SIGNAL: LanguageGuess = { locale: undefined, unsupported: false };
const UNSUPPORTED: LanguageGuess = { locale: undefined, unsupported: true };

/**
 * Frequent English words. Words that are also common in the other Latin-script languages
 * we watch for (a, in, no, die, me, do, was, will, also, an, am) are deliberately absent from
 * both lists so that they never tip the balance.
 */
const ENGLISH_WORDS = new Set(
  (
    'i my mine you your yours we our us they their them he she his her it its the is are be been being ' +
    'have has had having did does done not dont don\'t didn\'t doesn\'t isn\'t wasn\'t can\'t won\'t haven\'t ' +
    'hasn\'t i\'m i\'ve i\'d it\'s that\'s what\'s where\'s what where when why how who which this that these ' +
    'those there here and or but so if of to for with from at by on about after before still yet just ' +
    'want need would could should can cannot shall may might must get got give gave take took make made ' +
    'please thanks thank hello hi hey yes yeah yep ok okay sure any some all every very too more less ' +
    'order orders ordered package parcel delivery delivered item items product refund return exchange ' +
    'repair replacement money back broken damaged missing wrong late never arrived arrive received ' +
    'receive complaint complain help agent human person service customer charged charge account ' +
    'week weeks day days month months today yesterday tomorrow time again ago good bad terrible awful ' +
    'one two three four five'
  ).split(' '),
);

/**
 * Function words of French, Spanish, German, Portuguese, Italian and Indonesian: frequent in
 * those languages and absent from English text.
 */
const FOREIGN_WORDS = new Set(
  (
    // French
    'le la les un une des du au aux est et je tu il elle nous vous ils elles mon ma mes ton ta ' +
    'votre vos notre nos ce cette ces qui que quoi pas ne n\'est c\'est j\'ai je suis avec pour sur dans ' +
    'bonjour merci oui commande où toujours pourquoi comment ' +
    // Spanish
    'el los las una unos unas es y yo mi mis tu su sus nosotros usted ustedes por para con sin ' +
    'pero muy qué que cómo donde dónde hola gracias sí quiero pedido todavía ' +
    // German
    'der das den dem des ein eine einen einem ist und ich du sie wir ihr mein meine meinen ' +
    'nicht kein keine mit für auf ist wo wie warum bitte danke hallo ja noch bestellung habe ' +
    // Portuguese
    'o os uma uns umas é e eu meu minha seu sua não com para por olá obrigado obrigada ' +
    'meu pedido ainda ' +
    // Italian
    'il lo gli è sono io mio mia non con che ciao grazie ordine ancora ' +
    // Indonesian
    'yang dan saya aku kamu anda ini itu tidak belum sudah dengan untuk pesanan terima kasih ' +
    'tolong apa bagaimana kenapa'
  ).split(' '),
);

/** Letters that English text essentially never uses but its neighbours do. */
const FOREIGN_DIACRITICS = /[àâäãåçèêëìîïñòôöõùûüßœæáíóúýÿ]/;

/** Scripts Hearline does not support: seeing one of them means the message is not zh or en. */
const OTHER_SCRIPT_LETTER =
  /[\p{Script=Hangul}\p{Script=Cyrillic}\p{Script=Arabic}\p{Script=Thai}\p{Script=Devanagari}\p{Script=Hebrew}\p{Script=Greek}\p{Script=Bengali}\p{Script=Tamil}\p{Script=Telugu}\p{Script=Gujarati}\p{Script=Gurmukhi}\p{Script=Khmer}\p{Script=Lao}\p{Script=Myanmar}\p{Script=Georgian}\p{Script=Armenian}\p{Script=Ethiopic}\p{Script=Sinhala}\p{Script=Tibetan}\p{Script=Mongolian}]/gu;

/**
 * Guesses the language of one customer message.
 *
 * Any Han character makes the message Chinese, because customers here mix English product
 * words into Chinese (`我的order还没到`); a message that is largely kana is Japanese. Latin
 * text is English when English words outweigh French, Spanish, German, Portuguese, Italian
 * or Indonesian function words. Codes, numbers, emails and a single word decide nothing.
 */
export function detectLanguage(text: string): LanguageGuess {
  const normalized = normalizeText(text);
  const han = count(normalized, /\p{Script=Han}/gu);
  const kana = count(normalized, /[\p{Script=Hiragana}\p{Script=Katakana}]/gu);
  const other = count(normalized, OTHER_SCRIPT_LETTER);

  // Chinese text never carries more than a stray の; Japanese has kana in almost every clause.
  if (kana >= 2 && kana * 10 >= (han + kana) * 3) return UNSUPPORTED;
  if (han > 0 && han >= other) return { locale: 'zh-CN', unsupported: false };

  const words = latinWords(normalized);
  const latinLetters = words.join('').length;
  if (other > 0 && other >= latinLetters) return UNSUPPORTED;
  if (words.length === 0) return NO_SIGNAL;

  let english = 0;
  let foreign = 0;
  for (const word of words) {
    if (ENGLISH_WORDS.has(word)) english += 1;
    else if (FOREIGN_WORDS.has(word) || FOREIGN_DIACRITICS.test(word)) foreign += 1;
  }
  if (foreign > english) return UNSUPPORTED;
  // One word (ok, yes, refund) is typed by Chinese speakers too: not enough to switch language.
  if (words.length < 2) return NO_SIGNAL;
  if (english > 0 || foreign === 0) return { locale: 'en-US', unsupported: false };
  return NO_SIGNAL;
}

function count(text: string, pattern: RegExp): number {
  return (text.match(pattern) ?? []).length;
}

/**
 * Lower-cased Latin words, leaving out what says nothing about the language: emails, links,
 * tracking codes and any token with a digit in it (order numbers like `A123456`).
 */
function latinWords(text: string): string[] {
  const withoutCodes = text
    .replace(/(?<!\S)\S*@\S*/g, ' ')
    .replace(/(?:https?:\/\/|www\.)\S+/gi, ' ')
    .replace(/(?<![\p{L}\p{N}'-])[\p{L}\p{N}'-]*\p{N}[\p{L}\p{N}'-]*/gu, ' ');
  return (withoutCodes.toLowerCase().match(/\p{Script=Latin}+(?:'\p{Script=Latin}+)*/gu) ?? []).filter(
    (word) => word.length > 0,
  );
}
