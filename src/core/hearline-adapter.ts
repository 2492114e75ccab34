import {
  ActivityTypes,
  BotAdapter,
  InputHints,
  TurnContext,
  type Activity,
  type ConversationReference,
  type ResourceResponse,
} from 'botbuilder-core';
import type { DialogStateManagerConfiguration } from 'botbuilder-dialogs';
// Not re-exported by the package index; the package has no exports map, so the file is reachable.
import { DialogsComponentRegistration } from 'botbuilder-dialogs/lib/dialogsComponentRegistration';
import type { Locale } from '../domain/complaint';
import type { OutboundReply, ReplySink } from './activity';

const SINK = Symbol('hearline.replySink');

/**
 * The turn-state key under which botbuilder-dialogs' DialogStateManager keeps the memory scopes
 * and path resolvers every dialog context of a turn shares (dialogStateManager.js). Without it,
 * the first context of each turn builds a fresh set through the component registry, a tenth of
 * a millisecond a turn (docs/performance.md). The scopes hold no state of their own (each call
 * is given the dialog context), so one set serves every turn.
 */
const DIALOG_MEMORY_CONFIGURATION_KEY = 'DialogStateManagerConfiguration';

let sharedDialogMemory: DialogStateManagerConfiguration | undefined;

/** The memory scopes and path resolvers of botbuilder-dialogs, built once per process. */
export function dialogMemoryConfiguration(): DialogStateManagerConfiguration {
  if (!sharedDialogMemory) {
    const registration = new DialogsComponentRegistration();
    sharedDialogMemory = { memoryScopes: registration.getMemoryScopes(), pathResolvers: registration.getPathResolvers() };
  }
  return sharedDialogMemory;
}

/**
 * The in-process channel adapter: runs a turn through botbuilder's middleware and hands
 * every reply to the caller's sink in our own reply shape. botbuilder types stop here.
 */
export class HearlineAdapter extends BotAdapter {
  private sequence = 0;

  /** Runs `logic` for one inbound activity; replies go to `sink` as they are sent. */
  async runTurn(activity: Partial<Activity>, sink: ReplySink, logic: (context: TurnContext) => Promise<void>): Promise<void> {
    const context = new TurnContext(this, activity);
    context.turnState.set(SINK, sink);
    context.turnState.set(DIALOG_MEMORY_CONFIGURATION_KEY, dialogMemoryConfiguration());
    await this.runMiddleware(context, logic);
  }

  override async sendActivities(context: TurnContext, activities: Partial<Activity>[]): Promise<ResourceResponse[]> {
    const sink = context.turnState.get(SINK) as ReplySink | undefined;
    const responses: ResourceResponse[] = [];
    for (const activity of activities) {
      this.sequence += 1;
      responses.push({ id: `${context.activity.conversation?.id ?? 'conversation'}-${this.sequence}` });
      const reply = toReply(activity, context.activity.locale);
      if (reply && sink) await sink(reply);
    }
    return responses;
  }

  override async updateActivity(): Promise<void> {
    throw new Error('HearlineAdapter.updateActivity: channels here cannot edit sent messages');
  }

  override async deleteActivity(): Promise<void> {
    throw new Error('HearlineAdapter.deleteActivity: channels here cannot delete sent messages');
  }

  override async continueConversation(
    _reference: Partial<ConversationReference>,
    _logic: (context: TurnContext) => Promise<void>,
  ): Promise<void> {
    throw new Error('HearlineAdapter.continueConversation: proactive messages go through the handoff service');
  }
}

function toReply(activity: Partial<Activity>, turnLocale: string | undefined): OutboundReply | undefined {
  if (activity.type === ActivityTypes.Typing) return { type: 'typing' };
  if (activity.type !== undefined && activity.type !== ActivityTypes.Message) return undefined;
  const text = activity.text ?? '';
  const locale: Locale = (activity.locale ?? turnLocale) === 'en-US' ? 'en-US' : 'zh-CN';
  return {
    type: 'message',
    text,
    speak: activity.speak ?? text,
    choices: (activity.suggestedActions?.actions ?? []).map((action) => String(action.value ?? action.title)),
    locale,
    expectsInput: activity.inputHint === InputHints.ExpectingInput,
  };
}
