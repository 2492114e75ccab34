/**
 * Takes a message apart for the emotion detector: emoji and emoticons out first, then one
 * stream of Chinese words (jieba), English words and punctuation, in reading order, so that
 * mixed messages ("这个refund怎么还没到？？") are read in one pass.
 */
import { normalizeEnglish } from './english-features';

/** The piece of `@node-rs/jieba` the detector uses. */
interface Segmenter {
  cut(text: string, hmm?: boolean): string[];
}

let segmenter: Segmenter | undefined;

/**
 * Jieba with its bundled dictionary, created on first use: loading the dictionary takes about
 * 0.3 s, which English-only deployments and tests never need to pay.
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

export type TokenLanguage = 'zh' | 'en' | 'other';

export interface EmotionToken {
  /** Lower-cased, NFKC-normalised text. */
  text: string;
  language: TokenLanguage;
  /** Clause punctuation: negation and intensifiers stop here. */
  boundary: boolean;
}

const PIECE = /(\p{Script=Han}+)|([a-z]+)|(\d+(?:\.\d+)?)|([!?.,;:。！？；，、…~\n]+)/gu;

/** Tokens of an already emoji-free text, in order. */
export function emotionTokens(text: string): EmotionToken[] {
  const tokens: EmotionToken[] = [];
  for (const match of normalizeEnglish(text).matchAll(PIECE)) {
    const [, han, latin, digits, punctuation] = match;
    if (han !== undefined) {
      for (const word of jieba().cut(han, false)) if (word.trim() !== '') tokens.push({ text: word, language: 'zh', boundary: false });
    } else if (latin !== undefined) {
      tokens.push({ text: latin, language: 'en', boundary: false });
    } else if (digits !== undefined) {
      tokens.push({ text: digits, language: 'other', boundary: false });
    } else if (punctuation !== undefined) {
      tokens.push({ text: punctuation, language: 'other', boundary: true });
    }
  }
  return tokens;
}

/** Runs of exclamation and question marks, full-width or not. */
export function punctuationRuns(text: string): { exclamations: number; longestExclamationRun: number; longestQuestionRun: number } {
  const normalized = text.normalize('NFKC');
  const bangs = [...normalized.matchAll(/!+/g)].map((run) => run[0].length);
  const questions = [...normalized.matchAll(/\?+/g)].map((run) => run[0].length);
  return {
    exclamations: bangs.reduce((a, b) => a + b, 0),
    longestExclamationRun: Math.max(0, ...bangs),
    longestQuestionRun: Math.max(0, ...questions),
  };
}

/**
 * Share of capital letters among Latin letters, when there are at least 8 and the capitals are
 * not a lone acronym ("DHL", "VIP"): 0 otherwise.
 */
export function capsRatio(text: string): number {
  const normalized = text.normalize('NFKC');
  const letters = normalized.replace(/[^A-Za-z]/g, '');
  if (letters.length < 8) return 0;
  const shoutedWords = normalized.match(/\b[A-Z]{2,}\b/g) ?? [];
  if (shoutedWords.length < 2 && !shoutedWords.some((word) => word.length >= 6)) return 0;
  return Math.round((letters.replace(/[^A-Z]/g, '').length / letters.length) * 100) / 100;
}
