import { ActivityTypes, ConversationState, UserState, type StatePropertyAccessor, type TurnContext } from 'botbuilder-core';
import { DialogSet, DialogTurnStatus, type DialogState } from 'botbuilder-dialogs';
import { z } from 'zod';
import { TURN_LOCALE_KEY, attachmentIds, menuChoices, message, userProfileSchema, type DialogServices, type UserProfile } from '../../dialogs/dialog-kit';
import { MAIN_DIALOG, MainDialog, type MainOptions } from '../../dialogs/main-dialog';
import { localeSchema, type Locale } from '../domain/complaint';
import type { Logger } from '../logging/logger';
import { detectLanguage } from '../services/nlu/language';
import { inspectInput, type InspectedInput } from './input-guard';

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

  constructor(
    private readonly conversationState: ConversationState,
    private readonly userState: UserState,
    private readonly services: Omit<DialogServices, 'userProfile' | 'evidence'>,
    private readonly options: HearlineBotOptions,
  ) {
    this.dialogState = conversationState.createProperty<DialogState>('dialogState');
    this.profile = conversationState.createProperty<ConversationProfile>('profile');
    const userProfile = userState.createProperty<UserProfile>('profile');
    this.evidence = conversationState.createProperty<string[]>('evidence');
    const dialogServices: DialogServices = {
      ...services,
      userProfile: validatedAccessor(userProfile, userProfileSchema),
      evidence: validatedAccessor(this.evidence, z.array(z.string())),
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
    await this.conversationState.saveChanges(context);
    await this.userState.saveChanges(context);
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
    const result = await dc.continueDialog();
    if (result.status === DialogTurnStatus.empty) {
      await dc.beginDialog(MAIN_DIALOG, { text: inspected.text } satisfies MainOptions);
    }
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
      await this.conversationState.load(context, true);
      const profile = conversationProfileSchema.parse((await this.profile.get(context)) ?? {});
      locale = profile.locale ?? locale;
      profile.turnFailures += 1;
      if (profile.turnFailures >= 2) {
        await this.dialogState.delete(context);
        log.warn({ failures: profile.turnFailures }, 'dialog stack cleared after repeated failures');
      }
      await this.profile.set(context, profile);
      await this.conversationState.saveChanges(context, true);
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

/** A user-state accessor whose values are parsed with zod when read back. */
function validatedAccessor<T>(inner: StatePropertyAccessor<T>, schema: z.ZodType<T>): StatePropertyAccessor<T> {
  return {
    get: async (context: TurnContext, defaultValue?: T) => {
      const value = defaultValue === undefined ? await inner.get(context) : await inner.get(context, defaultValue);
      return value === undefined ? value : schema.parse(value);
    },
    set: (context: TurnContext, value: T) => inner.set(context, value),
    delete: (context: TurnContext) => inner.delete(context),
  } as StatePropertyAccessor<T>;
}
