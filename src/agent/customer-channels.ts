import { DIRECTLINE_CHANNEL, botMessage, type DirectLineActivity } from '../channels/directline/directline-activities';
import { pendingLogId } from '../channels/http-json/http-json-channel';
import type { PendingMessage } from '../channels/http-json/schema';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import type { HandoffDesk } from '../services/handoff/handoff-desk';
import type { HandoffRecord } from '../services/handoff/handoff-record';
import type { ConversationLog } from '../storage/store';
import type { Clock } from '../util/clock';

/** What reaches the customer while (or right after) an agent has the conversation. */
export type CustomerMessage =
  /** The agent's own words, shown under the agent's name. */
  | { from: 'agent'; agent: string; text: string }
  /** A line from Hearline itself around the handoff ("back with the bot", "thank you"). */
  | { from: 'bot'; text: string; speak: string };

/** One channel that can push a message to a customer outside a bot turn. */
export interface CustomerChannel {
  deliver(record: HandoffRecord, message: CustomerMessage): Promise<void>;
}

/**
 * Delivery to the customer on their own channel. Channels without a way to reach the customer
 * outside a turn (the terminal, the test channel) have none here: for them the desk record's
 * messages are the only copy.
 */
export interface CustomerChannels {
  /** True when it was pushed to the customer; false when their channel cannot push. */
  deliver(record: HandoffRecord, message: CustomerMessage): Promise<boolean>;
  canPush(channel: string): boolean;
}

/** CustomerChannels from a table of channel name to channel. */
export class CustomerChannelDirectory implements CustomerChannels {
  private readonly channels: ReadonlyMap<string, CustomerChannel>;

  constructor(channels: Record<string, CustomerChannel>) {
    this.channels = new Map(Object.entries(channels));
  }

  canPush(channel: string): boolean {
    return this.channels.has(channel);
  }

  async deliver(record: HandoffRecord, message: CustomerMessage): Promise<boolean> {
    const channel = this.channels.get(record.channel);
    if (!channel) return false;
    await channel.deliver(record, message);
    return true;
  }
}

/**
 * Web Chat and other Direct Line clients: the message is appended to the conversation's log,
 * which pushes it to the customer's socket on whichever instance holds it.
 */
export class DirectLineCustomerChannel implements CustomerChannel {
  constructor(private readonly deps: { log: ConversationLog; clock: Clock }) {}

  async deliver(record: HandoffRecord, message: CustomerMessage): Promise<void> {
    const at = this.deps.clock.now();
    const activity =
      message.from === 'agent'
        ? agentMessage(record, message.agent, message.text, at)
        : botMessage(record.conversationId, record.userId, { type: 'message', text: message.text, speak: message.speak, choices: [], locale: record.locale, expectsInput: false }, at);
    await this.deps.log.append(record.conversationId, activity);
  }
}

/**
 * The JSON API: the message is kept in the conversation's pending messages, which the client
 * reads with GET /api/chat/conversations/{id}/messages?after=N.
 */
export class HttpJsonCustomerChannel implements CustomerChannel {
  constructor(private readonly deps: { log: ConversationLog; clock: Clock }) {}

  async deliver(record: HandoffRecord, message: CustomerMessage): Promise<void> {
    const at = this.deps.clock.now().toISOString();
    const pending: PendingMessage = message.from === 'agent' ? { from: 'agent', agent: message.agent, text: message.text, at } : { from: 'bot', text: message.text, at };
    const id = pendingLogId(record.conversationId);
    // Created on first use: conversations started before this log existed have none yet.
    await this.deps.log.create({ conversationId: id, userId: record.userId, createdAt: at });
    await this.deps.log.append(id, pending);
  }
}

/** The agent's message as the customer's Direct Line client receives it: from the agent, on the bot's side. */
function agentMessage(record: HandoffRecord, agent: string, text: string, at: Date): DirectLineActivity {
  return {
    type: 'message',
    timestamp: at.toISOString(),
    channelId: DIRECTLINE_CHANNEL,
    conversation: { id: record.conversationId },
    from: { id: `agent:${agent}`, name: agent, role: 'bot' },
    text,
    locale: record.locale,
    // What an agent types is shown as typed, not read as Markdown.
    textFormat: 'plain',
    inputHint: 'expectingInput',
  };
}

/** What Hearline tells the customer around a handoff: the `agent.customer.*` prompts. */
export type CustomerNotice = 'claimed' | 'transferred' | 'backToBot' | 'closed' | 'satisfaction' | 'agentLeft' | 'stillWaiting';

/** What telling a customer about their handoff needs. */
export interface CustomerNoticeDependencies {
  desk: Pick<HandoffDesk, 'addMessage'>;
  channels: CustomerChannels;
  prompts: PromptCatalog;
  clock: Clock;
  logger: Logger;
}

/**
 * A line from Hearline to the customer about the handoff, in their language: kept in the record
 * and pushed on their channel. The desk has already changed; a failed delivery is logged, not
 * thrown, so whoever acted is not told their action failed when it did not.
 */
export async function tellCustomer(deps: CustomerNoticeDependencies, record: HandoffRecord, what: CustomerNotice, vars: Record<string, string> = {}): Promise<void> {
  const rendered = deps.prompts.render(record.locale, `agent.customer.${what}`, vars);
  try {
    await deps.desk.addMessage(record.key, { at: deps.clock.now().toISOString(), from: 'bot', text: rendered.text });
    await deps.channels.deliver(record, { from: 'bot', text: rendered.text, speak: rendered.speak });
  } catch (error) {
    deps.logger.error({ err: error, key: record.key, what }, 'could not tell the customer about the handoff');
  }
}
