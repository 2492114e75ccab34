import { InputHints, MessageFactory, type Activity, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { z } from 'zod';
import { contactSchema, type Contact, type Locale } from '../src/domain/complaint';
import type { PromptCatalog } from '../src/i18n/prompt-catalog';
import type { ComplaintService } from '../src/services/complaints/complaint-service';
import type { HandoffService } from '../src/services/handoff/handoff-service';
import { EMOTIONS, type EmotionReading, type EscalationPolicy } from '../src/services/escalation/escalation-policy';
import type { TranscriptLine } from '../src/services/handoff/handoff-record';
import type { KnowledgeGapRecorder } from '../src/services/knowledge/knowledge-gaps';
import type { KnowledgeArticle, KnowledgeService } from '../src/services/knowledge/knowledge-service';
import type { LanguageUnderstanding } from '../src/services/nlu/understanding';
import type { Clock } from '../src/util/clock';
import type { RandomSource } from '../src/util/random';

/** turnState key under which the bot core puts the locale chosen for this turn. */
export const TURN_LOCALE_KEY = 'hearline.locale';

/** How the bot core marks an attachment Hearline stored: `hearline-attachment:<id>`. */
export const ATTACHMENT_URL_SCHEME = 'hearline-attachment:';

/** Ids of the files Hearline stored that came with this turn's message. */
export function attachmentIds(context: TurnContext): string[] {
  return (context.activity.attachments ?? [])
    .map((attachment) => attachment.contentUrl ?? '')
    .filter((url) => url.startsWith(ATTACHMENT_URL_SCHEME))
    .map((url) => url.slice(ATTACHMENT_URL_SCHEME.length));
}

/** What Hearline remembers about a customer across conversations (user state). */
export const userProfileSchema = z.object({
  knownContact: contactSchema.optional(),
});
export type UserProfile = z.infer<typeof userProfileSchema>;

/** At most this many emotion readings are kept in conversation state. */
export const MAX_READINGS = 20;
/**
 * The transcript the agent sees first: the last MAX_TRANSCRIPT_LINES lines, kept over the last
 * MAX_TRANSCRIPT_TURNS turns (every turn that adds to it adds at least one line).
 */
export const MAX_TRANSCRIPT_LINES = 40;
export const MAX_TRANSCRIPT_TURNS = 40;
/** Longer lines are cut in the transcript the agent sees first; the full text stays in the channel's log. */
export const MAX_TRANSCRIPT_LINE_CHARS = 600;

/**
 * What this conversation has shown so far that bears on handing it to a person (conversation
 * state): the emotion of each customer message, knowledge answers that failed, the articles
 * offered, and whether a handoff is under way. The recent transcript is kept beside the state
 * (DialogServices.transcript), so that an ordinary turn neither reads nor rewrites it.
 */
export const conversationSignalsSchema = z.object({
  /** Knowledge answers the customer said did not help, declined clarifications, and questions without an answer. */
  failedAnswers: z.number().int().min(0).default(0),
  readings: z
    .array(z.object({ at: z.string(), emotion: z.enum(EMOTIONS), intensity: z.number(), polarity: z.number() }))
    .default([]),
  articles: z
    .array(z.object({ articleId: z.string(), title: z.string(), feedback: z.enum(['helped', 'not_helpful', 'declined', 'no_reply']) }))
    .default([]),
  /** From a request for a person until the desk gives the conversation back to the bot. */
  handoffActive: z.boolean().default(false),
});
export type ConversationSignals = z.infer<typeof conversationSignalsSchema>;

/** Everything the dialogs use, injected by the composition root. */
export interface DialogServices {
  prompts: PromptCatalog;
  complaints: ComplaintService;
  knowledge: KnowledgeService;
  /** Where questions the knowledge base did not answer well are reported for editors. */
  knowledgeGaps: KnowledgeGapRecorder;
  handoff: HandoffService;
  nlu: LanguageUnderstanding;
  clock: Clock;
  random: RandomSource;
  /** IANA zone in which deadlines are shown to customers. */
  timeZone: string;
  userProfile: StatePropertyAccessor<UserProfile>;
  /** Evidence files sent in this conversation and not yet attached to a recorded complaint. */
  evidence: StatePropertyAccessor<string[]>;
  signals: StatePropertyAccessor<ConversationSignals>;
  /** The conversation's recent transcript (customer and bot lines), oldest first, for the handoff packet. */
  transcript: { read(context: TurnContext): Promise<TranscriptLine[]> };
  /** Reads the emotion of each customer message. */
  emotions: EmotionSensor;
  /** Decides when the conversation needs a person, and why. */
  escalation: EscalationPolicy;
}

/** What the dialogs need from the emotion detector. */
export interface EmotionSensor {
  detect(text: string): EmotionReading;
}

/** The conversation's signals, with defaults for a conversation that has none yet. */
export async function readSignals(services: Pick<DialogServices, 'signals'>, context: TurnContext): Promise<ConversationSignals> {
  // The accessor parses what comes from storage; a conversation without signals gets the defaults.
  return (await services.signals.get(context)) ?? conversationSignalsSchema.parse({});
}

/** A knowledge-base answer as a message: the article's text, its spoken answer for the phone, in the article's language. */
export function articleMessage(article: KnowledgeArticle): Partial<Activity> {
  const reply = MessageFactory.text(article.body.trim(), article.voice);
  reply.locale = article.locale;
  return reply;
}

/** The locale of the current turn (set by the bot core before dialogs run). */
export function turnLocale(context: TurnContext): Locale {
  return context.turnState.get(TURN_LOCALE_KEY) === 'en-US' ? 'en-US' : 'zh-CN';
}

/** Options for building a message from prompts. */
export interface MessageOptions {
  vars?: Record<string, string | number>;
  choices?: string[];
  /** True when the bot waits for an answer to this message. */
  expectsInput?: boolean;
}

/**
 * Builds a reply from one or more prompt keys (joined as paragraphs), with display text,
 * spoken text and suggested choices, in the turn's locale.
 */
export function message(
  services: Pick<DialogServices, 'prompts'>,
  context: TurnContext,
  keys: string | string[],
  options: MessageOptions = {},
): Partial<Activity> {
  const locale = turnLocale(context);
  const parts = (Array.isArray(keys) ? keys : [keys]).map((key) => services.prompts.render(locale, key, options.vars));
  const text = parts.map((part) => part.text).join('\n\n');
  const speak = parts.map((part) => part.speak).join(' ');
  const hint = options.expectsInput ? InputHints.ExpectingInput : InputHints.AcceptingInput;
  const activity = options.choices && options.choices.length > 0
    ? MessageFactory.suggestedActions(options.choices, text, speak, hint)
    : MessageFactory.text(text, speak, hint);
  activity.locale = locale;
  return activity;
}

/** The main menu's choices in the turn's locale. */
export function menuChoices(services: Pick<DialogServices, 'prompts'>, context: TurnContext): string[] {
  const locale = turnLocale(context);
  return ['complaint', 'status', 'question', 'human'].map((item) => services.prompts.text(locale, `main.menu.${item}`));
}

/** Loose comparison for button labels typed or tapped: case, width and punctuation ignored. */
export function sameLabel(text: string, label: string): boolean {
  const fold = (value: string) => value.normalize('NFKC').toLowerCase().replace(/[\s\p{P}]+/gu, '');
  return fold(text) === fold(label) && fold(label).length > 0;
}

/** The key whose label equals the text, if any. */
export function matchLabel<K extends string>(text: string, labels: ReadonlyArray<readonly [K, string]>): K | undefined {
  return labels.find(([, label]) => sameLabel(text, label))?.[0];
}

/** How a contact is shown back to the customer: enough to recognise it, not all of it. */
export function describeContact(services: Pick<DialogServices, 'prompts'>, locale: Locale, contact: Contact): string {
  if (contact.kind === 'phone') {
    return services.prompts.text(locale, 'intake.phoneEnding', { last4: contact.value.replace(/\D/g, '').slice(-4) });
  }
  const [name = '', domain = ''] = contact.value.split('@');
  return services.prompts.text(locale, 'intake.emailMasked', { email: `${name.slice(0, 2)}***@${domain}` });
}

/** A deadline as customers read it, in the configured time zone. */
export function formatDateTime(date: Date, locale: Locale, timeZone: string): string {
  const format = new Intl.DateTimeFormat(locale, {
    timeZone,
    year: 'numeric',
    month: locale === 'zh-CN' ? 'long' : 'short',
    day: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return format.format(date);
}

/** Tracking codes read aloud symbol by symbol, so the phone voice does not say a "word". */
export function spellOut(code: string): string {
  return code.replace(/-/g, '').split('').join(' ');
}

/** A waterfall's scratch values: botbuilder types them as `object`; we keep plain JSON there. */
export function stepValues(step: { values: object }): Record<string, unknown> {
  return step.values as Record<string, unknown>;
}
