import { randomUUID } from 'node:crypto';
import { ActivityTypes, type Activity } from 'botbuilder-core';
import { ATTACHMENT_URL_SCHEME, type DialogServices } from '../../dialogs/dialog-kit';
import type { BotProvidedServices } from './hearline-bot';
import type { Locale } from '../domain/complaint';
import type { Logger } from '../logging/logger';
import type { Store } from '../storage/store';
import type { Clock } from '../util/clock';
import { inboundActivitySchema, type BotGateway, type InboundActivity, type OutboundReply, type ReplySink } from './activity';
import { HearlineAdapter } from './hearline-adapter';
import { HearlineBot } from './hearline-bot';
import { TurnState } from './turn-state';

/** What the bot core is built from. */
export interface BotCoreDependencies {
  store: Store;
  services: Omit<DialogServices, BotProvidedServices>;
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  maxMessageChars: number;
}

/**
 * The bot core behind every channel: validates the activity, serialises the turns of each
 * conversation (botbuilder saves state last-write-wins), runs the dialogs, and returns the
 * replies. botbuilder stays behind this class.
 */
export class BotCore implements BotGateway {
  private readonly adapter = new HearlineAdapter();
  private readonly bot: HearlineBot;

  constructor(private readonly deps: BotCoreDependencies) {
    this.bot = new HearlineBot(new TurnState(deps.store.documents), deps.services, {
      defaultLocale: deps.defaultLocale,
      maxMessageChars: deps.maxMessageChars,
      logger: deps.logger,
    });
    this.adapter.onTurnError = (context, error) => this.bot.onTurnError(context, error);
  }

  async process(input: InboundActivity, sink?: ReplySink): Promise<OutboundReply[]> {
    const inbound = inboundActivitySchema.parse(input);
    const replies: OutboundReply[] = [];
    const collect: ReplySink = async (reply) => {
      replies.push(reply);
      if (sink) await sink(reply);
    };
    const lockKey = `${inbound.channel}/${inbound.conversationId}`;
    const started = Date.now();
    await this.deps.store.locks.withLock(lockKey, () =>
      this.adapter.runTurn(this.toActivity(inbound), collect, (context) => this.bot.onTurn(context)),
    );
    this.deps.logger.debug(
      { conversationId: inbound.conversationId, channel: inbound.channel, type: inbound.type, replies: replies.length, ms: Date.now() - started },
      'turn done',
    );
    return replies;
  }

  private toActivity(inbound: InboundActivity): Partial<Activity> {
    const user = { id: inbound.userId, name: inbound.userName ?? inbound.userId };
    return {
      type: inbound.type === 'message' ? ActivityTypes.Message : ActivityTypes.ConversationUpdate,
      id: inbound.id ?? randomUUID(),
      channelId: inbound.channel,
      serviceUrl: 'hearline://in-process',
      conversation: { id: inbound.conversationId, isGroup: false, conversationType: 'personal', name: '' },
      from: user,
      recipient: { id: 'hearline', name: 'Hearline' },
      membersAdded: inbound.type === 'conversationStart' ? [user] : undefined,
      text: inbound.text,
      locale: inbound.locale,
      attachments: inbound.attachments?.map((file) => ({ contentType: file.contentType, contentUrl: `${ATTACHMENT_URL_SCHEME}${file.id}`, name: file.name })),
      timestamp: this.deps.clock.now(),
    };
  }
}
