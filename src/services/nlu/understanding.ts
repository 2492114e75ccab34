import type { Contact, Remedy } from '../../domain/complaint';
import { findTrackingCode } from '../complaints/tracking-code';
import {
  findContact,
  findOrderRef,
  findRemedy,
  hasSubstantiveDescription,
  parseContactAnswer,
  parseOrderAnswer,
  parseYesNo,
  type ContactAnswer,
  type OrderAnswer,
  type YesNo,
} from './extractors';
import { recognizeIntent, type IntentResult } from './intents';

/**
 * What the dialogs need to understand a message. Dialogs receive an implementation and never
 * call a recognizer directly, so the rules can be replaced by a trained model.
 */
export interface LanguageUnderstanding {
  recognizeIntent(text: string): IntentResult;
  findOrderRef(text: string): string | undefined;
  parseOrderAnswer(text: string): OrderAnswer;
  findContact(text: string): Contact | undefined;
  parseContactAnswer(text: string): ContactAnswer;
  findRemedy(text: string): Remedy | undefined;
  parseYesNo(text: string): YesNo | undefined;
  hasSubstantiveDescription(text: string): boolean;
  findTrackingCode(text: string): string | undefined;
}

/** The rule-based implementation in this folder. */
export const ruleBasedUnderstanding: LanguageUnderstanding = {
  recognizeIntent,
  findOrderRef,
  parseOrderAnswer,
  findContact,
  parseContactAnswer,
  findRemedy,
  parseYesNo,
  hasSubstantiveDescription,
  findTrackingCode,
};
