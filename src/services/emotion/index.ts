/** The emotion detector: what an upset customer's message shows, for the escalation policy and the agent console. */
export * from './emotion-types';
export { LexiconEmotionDetector } from './lexicon-emotion-detector';
export { LEXICON_EMOTIONS, type LexiconEmotion } from './lexicon';
