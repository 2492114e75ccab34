import { ActivityTypes, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { z } from 'zod';
import {
  MAX_READINGS,
  MAX_TRANSCRIPT_LINE_CHARS,
  MAX_TRANSCRIPT_LINES,
  MAX_TRANSCRIPT_TURNS,
  TURN_LOCALE_KEY,
  attachmentIds,
  conversationSignalsSchema,
  menuChoices,
  message,
  readSignals,
  userProfileSchema,
  type ConversationSignals,
  type DialogServices,
  type UserProfile,
} from '../../dialogs/dialog-kit';
import { transcriptLineSchema, type TranscriptLine } from '../services/handoff/handoff-record';
import { MAIN_DIALOG, MainDialog, type MainOptions } from '../../dialogs/main-dialog';
import { localeSchema, type Locale } from '../domain/complaint';
import type { Logger } from '../logging/logger';
import { detectLanguage } from '../services/nlu/language';
import { inspectInput, type InspectedInput } from './input-guard';
import type { RecentEntries, TurnState } from './turn-state';

/** The dialog services the bot makes itself, from the turn state. */
export type BotProvidedServices = 'userProfile' | 'evidence' | 'signals' | 'transcript';

/** What the bot keeps per conversation besides the dialog stack. */
const conversationProfileSchema = z.object({
  locale: localeSchema.optional(),
  greeted: z.boolean().default(false),
  /** Consecutive failed turns; the second one resets the dialog so the customer is not stuck. */
  turnFailures: z.number().int().min(0).default(0),
});
type ConversationProfile = z.infer<typeof conversationProfileSchema>;

/** Settings the turn logic needs. */
export interface HearlineBotOptions {
  defaultLocale: Locale;
  maxMessageChars: number;
  logger: Logger;
}

/**
 * Turn logic: picks the reply language, turns away input no dialog can use, runs the dialogs
 * and saves state. One instance serves every conversation; all state lives in storage.
 */
export class HearlineBot {
  private readonly dialogs: DialogSet;
  private readonly dialogState: StatePropertyAccessor<DialogState>;
  private readonly profile: StatePropertyAccessor<ConversationProfile>;
  private readonly evidence: StatePropertyAccessor<string[]>;
  private readonly signals: StatePropertyAccessor<ConversationSignals>;
  /** The transcript the agent sees on a handoff: kept beside the conversation state, not in it. */
  private readonly transcript: RecentEntries;

  constructor(
    private readonly state: TurnState,
    private readonly services: Omit<DialogServices, BotProvidedServices>,
    private readonly options: HearlineBotOptions,
  ) {
    this.dialogState = state.property<DialogState>('conversation', 'dialogState');
    this.profile = state.property<ConversationProfile>('conversation', 'profile');
    const userProfile = state.property<UserProfile>('user', 'profile');
    this.evidence = state.property<string[]>('conversation', 'evidence');
    this.signals = validatedAccessor(state.property<ConversationSignals>('conversation', 'signals'), conversationSignalsSchema);
    this.transcript = state.recent('transcript', MAX_TRANSCRIPT_TURNS);
    const dialogServices: DialogServices = {
      ...services,
      userProfile: validatedAccessor(userProfile, userProfileSchema),
      evidence: validatedAccessor(this.evidence, z.array(z.string())),
      signals: this.signals,
      transcript: {
        read: async (context) => TRANSCRIPT_SCHEMA.parse(await this.transcript.read(context)).slice(-MAX_TRANSCRIPT_LINES),
      },
    };
    this.dialogs = new DialogSet(this.dialogState);
    this.dialogs.add(new MainDialog(dialogServices));
  }

  /** Runs one turn. Errors propagate to the adapter's turn-error handler. */
  async onTurn(context: TurnContext): Promise<void> {
    const profile = conversationProfileSchema.parse((await this.profile.get(context)) ?? {});
    if (context.activity.type === ActivityTypes.ConversationUpdate) {
      await this.onConversationStart(context, profile);
    } else if (context.activity.type === ActivityTypes.Message) {
      await this.onMessage(context, profile);
    }
    profile.turnFailures = 0;
    await this.profile.set(context, profile);
    await this.state.save(context);
  }

  private async onConversationStart(context: TurnContext, profile: ConversationProfile): Promise<void> {
    if (profile.greeted) return;
    profile.greeted = true;
    profile.locale ??= context.activity.locale === 'en-US' ? 'en-US' : context.activity.locale === 'zh-CN' ? 'zh-CN' : undefined;
    this.useLocale(context, profile.locale ?? this.options.defaultLocale);
    await context.sendActivity(message(this.services, context, 'main.greeting', { choices: menuChoices(this.services, context) }));
  }

  private async onMessage(context: TurnContext, profile: ConversationProfile): Promise<void> {
    const files = attachmentIds(context);
    // A photo alone is a complete message: it is not "empty".
    const inspected: InspectedInput =
      files.length > 0 && !(context.activity.text ?? '').trim() ? { kind: 'ok', text: '' } : inspectInput(context.activity.text, this.options.maxMessageChars);
    const guess = inspected.kind === 'ok' ? detectLanguage(inspected.text) : { locale: undefined, unsupported: false };
    const channelLocale = localeSchema.safeParse(context.activity.locale);
    const locale = guess.locale ?? profile.locale ?? (channelLocale.success ? channelLocale.data : this.options.defaultLocale);
    profile.locale = locale;
    profile.greeted = true;

    const dc = await this.dialogs.createContext(context);
    if (guess.unsupported) {
      // Answer in the default locale: we cannot know which of ours the customer reads.
      this.useLocale(context, this.options.defaultLocale);
      await context.sendActivity(message(this.services, context, 'guard.unsupportedLanguage'));
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }
    this.useLocale(context, locale);
    if (inspected.kind !== 'ok') {
      const key = inspected.kind === 'tooLong' ? 'guard.tooLong' : inspected.kind === 'emojiOnly' ? 'guard.emojiOnly' : 'guard.empty';
      const vars: Record<string, number> = inspected.kind === 'tooLong' ? { length: inspected.length, max: this.options.maxMessageChars } : {};
      await context.sendActivity(message(this.services, context, key, { vars }));
      if (dc.activeDialog) await dc.repromptDialog();
      return;
    }
    context.activity.text = inspected.text;
    if (files.length > 0) {
      // Evidence is kept per conversation until a complaint is recorded with it.
      await this.evidence.set(context, [...((await this.evidence.get(context)) ?? []), ...files].slice(-20));
      await context.sendActivity(message(this.services, context, 'intake.evidenceReceived'));
      if (!inspected.text) {
        if (dc.activeDialog) await dc.repromptDialog();
        else await dc.beginDialog(MAIN_DIALOG, { text: '', evidence: true } satisfies MainOptions);
        return;
      }
    }
    if (await this.noteMessage(context, inspected.text)) return;
    const replies = this.collectReplies(context);
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      await dc.beginDialog(MAIN_DIALOG, { text: inspected.text } satisfies MainOptions);
    }
    await this.transcript.append(context, cutLines(replies.map((text) => ({ at: this.services.clock.now().toISOString(), from: 'bot' as const, text }))));
  }

  /**
   * Before any dialog sees the message: during a handoff the message goes to the agent's side
   * (and the bot stays silent while an agent has the conversation, or keeps a queued customer
   * company); otherwise its emotion is read and it joins the transcript the agent would see.
   * Returns true when the turn is handled.
   */
  private async noteMessage(context: TurnContext, text: string): Promise<boolean> {
    const signals = await readSignals({ signals: this.signals }, context);
    const { channelId: channel } = context.activity;
    const conversationId = context.activity.conversation.id;
    const { handoff } = this.services;
    if (signals.handoffActive) {
      const status = await handoff.status(channel, conversationId);
      if (status.state === 'assigned') {
        await handoff.customerMessage(channel, conversationId, text);
        return true;
      }
      if (status.state === 'queued') {
        if (this.services.nlu.recognizeIntent(text).intent === 'cancel') {
          await handoff.withdraw(channel, conversationId);
          await this.signals.set(context, { ...signals, handoffActive: false });
          await context.sendActivity(message(this.services, context, 'human.withdrawn', { choices: [this.services.prompts.text(turnLocaleOf(context), 'main.menu.complaint')] }));
          return true;
        }
        await handoff.customerMessage(channel, conversationId, text);
        await context.sendActivity(message(this.services, context, 'human.stillQueued', { vars: { position: status.position ?? 1, minutes: status.estimatedWaitMinutes ?? 1 } }));
        return true;
      }
      // The desk gave the conversation back (returned, resolved, abandoned, timed out): the bot
      // answers again, and earlier anger or misses no longer count towards a new handoff.
      signals.handoffActive = false;
      signals.readings = [];
      signals.failedAnswers = 0;
    }
    const at = this.services.clock.now().toISOString();
    const { emotion, intensity, polarity } = this.services.emotions.detect(text);
    signals.readings = [...signals.readings, { at, emotion, intensity: rounded(intensity), polarity: rounded(polarity) }].slice(-MAX_READINGS);
    await this.signals.set(context, signals);
    await this.transcript.append(context, cutLines([{ at, from: 'customer', text }]));
    return false;
  }

  /** The text of every message the bot sends from now on in this turn, in order. */
  private collectReplies(context: TurnContext): string[] {
    const texts: string[] = [];
    context.onSendActivities(async (_context, activities, next) => {
      for (const activity of activities) if (activity.type === ActivityTypes.Message && activity.text) texts.push(activity.text);
      return next();
    });
    return texts;
  }

  /**
   * After a failed turn: reload the state as it was before the turn (the failed turn's changes
   * are dropped), count the failure, and on the second failure in a row clear the dialog stack
   * so the conversation cannot stay stuck on a step that keeps failing. Then apologise and offer
   * a person. Never throws: a failure here is only logged.
   */
  async onTurnError(context: TurnContext, error: unknown): Promise<void> {
    const log = this.options.logger.child({ conversationId: context.activity.conversation?.id, channel: context.activity.channelId });
    log.error({ err: error }, 'turn failed');
    let locale = this.options.defaultLocale;
    try {
      await this.state.load(context, true);
      const profile = conversationProfileSchema.parse((await this.profile.get(context)) ?? {});
      locale = profile.locale ?? locale;
      profile.turnFailures += 1;
      if (profile.turnFailures >= 2) {
        await this.dialogState.delete(context);
        log.warn({ failures: profile.turnFailures }, 'dialog stack cleared after repeated failures');
      }
      await this.profile.set(context, profile);
      await this.state.save(context);
    } catch (stateError) {
      log.error({ err: stateError }, 'could not record the failed turn');
    }
    try {
      this.useLocale(context, locale);
      await context.sendActivity(
        message(this.services, context, 'errors.turnFailed', { choices: [this.services.prompts.text(locale, 'main.menu.human')] }),
      );
    } catch (sendError) {
      log.error({ err: sendError }, 'could not apologise for the failed turn');
    }
  }

  private useLocale(context: TurnContext, locale: Locale): void {
    context.turnState.set(TURN_LOCALE_KEY, locale);
    context.activity.locale = locale;
  }
}

const TRANSCRIPT_SCHEMA = z.array(transcriptLineSchema);

/** Transcript lines, each cut to a readable length. */
function cutLines(lines: TranscriptLine[]): TranscriptLine[] {
  return lines.map((line) => ({ ...line, text: line.text.length > MAX_TRANSCRIPT_LINE_CHARS ? `${line.text.slice(0, MAX_TRANSCRIPT_LINE_CHARS)}…` : line.text }));
}

/** An emotion reading's numbers as kept in the conversation state: three decimals say all they mean. */
function rounded(value: number): number {
  return Math.round(value * 1000) / 1000;
}

function turnLocaleOf(context: TurnContext): Locale {
  return context.turnState.get(TURN_LOCALE_KEY) === 'en-US' ? 'en-US' : 'zh-CN';
}

/**
 * An accessor whose values are parsed with zod when read back from storage. A value is parsed
 * once: what was parsed or set through the accessor is remembered and not parsed again.
 */
function validatedAccessor<T>(inner: StatePropertyAccessor<T>, schema: z.ZodType<T>): StatePropertyAccessor<T> {
  const valid = new WeakSet<object>();
  const remember = (value: T): T => {
    if (typeof value === 'object' && value !== null) valid.add(value);
    return value;
  };
  return {
    get: async (context: TurnContext, defaultValue?: T) => {
      const value = defaultValue === undefined ? await inner.get(context) : await inner.get(context, defaultValue);
      if (value === undefined || (typeof value === 'object' && value !== null && valid.has(value))) return value;
      const parsed = remember(schema.parse(value));
      await inner.set(context, parsed);
      return parsed;
    },
    set: (context: TurnContext, value: T) => inner.set(context, remember(value)),
    delete: (context: TurnContext) => inner.delete(context),
  } as StatePropertyAccessor<T>;
}
