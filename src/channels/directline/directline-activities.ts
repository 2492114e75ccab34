import { z } from 'zod';
import type { ConversationLog } from '../../storage/store';
import type { MessageReply } from '../../core/activity';

/** The channel id Web Chat conversations carry in our state keys and activities. */
export const DIRECTLINE_CHANNEL = 'directline';

const BOT = { id: 'hearline', name: 'Hearline', role: 'bot' as const };

/** A Bot Framework activity as Direct Line clients receive it. */
export interface DirectLineActivity {
  type: string;
  id?: string;
  timestamp: string;
  channelId: typeof DIRECTLINE_CHANNEL;
  conversation: { id: string };
  from: { id: string; name?: string; role: 'user' | 'bot' };
  text?: string;
  speak?: string;
  locale?: string;
  inputHint?: string;
  textFormat?: 'markdown' | 'plain';
  suggestedActions?: { to: string[]; actions: Array<{ type: 'imBack'; title: string; value: string }> };
  channelData?: Record<string, unknown>;
  replyToId?: string;
  attachments?: Array<{ contentType: string; contentUrl: string; name: string }>;
}

/** The activity id of the log entry at `watermark`: Azure's `<conversation>|<seq>` form. */
export function activityId(conversationId: string, watermark: number): string {
  return `${conversationId}|${String(watermark).padStart(7, '0')}`;
}

/** The customer's message as echoed back: Web Chat marks it sent when this arrives. */
export function userEcho(input: {
  conversationId: string;
  userId: string;
  userName?: string;
  text: string;
  locale?: string;
  clientActivityId?: string;
  attachments?: Array<{ contentType: string; contentUrl: string; name: string }>;
  at: Date;
}): DirectLineActivity {
  return {
    type: 'message',
    timestamp: input.at.toISOString(),
    channelId: DIRECTLINE_CHANNEL,
    conversation: { id: input.conversationId },
    from: { id: input.userId, name: input.userName, role: 'user' },
    text: input.text,
    locale: input.locale,
    ...(input.clientActivityId ? { channelData: { clientActivityID: input.clientActivityId } } : {}),
    ...(input.attachments && input.attachments.length > 0 ? { attachments: input.attachments } : {}),
  };
}

/** A bot reply; choices become suggested-action buttons addressed to the customer. */
export function botMessage(conversationId: string, userId: string, reply: MessageReply, at: Date, replyToId?: string): DirectLineActivity {
  return {
    type: 'message',
    timestamp: at.toISOString(),
    channelId: DIRECTLINE_CHANNEL,
    conversation: { id: conversationId },
    from: BOT,
    text: reply.text,
    speak: reply.speak,
    locale: reply.locale,
    textFormat: 'markdown',
    inputHint: reply.expectsInput ? 'expectingInput' : 'acceptingInput',
    ...(reply.choices.length > 0
      ? { suggestedActions: { to: [userId], actions: reply.choices.map((choice) => ({ type: 'imBack' as const, title: choice, value: choice })) } }
      : {}),
    ...(replyToId ? { replyToId } : {}),
  };
}

/** The bot is typing: sent over the socket only, never stored. */
export function botTyping(conversationId: string, at: Date): DirectLineActivity {
  return { type: 'typing', timestamp: at.toISOString(), channelId: DIRECTLINE_CHANNEL, conversation: { id: conversationId }, from: BOT };
}

/** What the log gives back is checked for the fields clients rely on; the rest passes through. */
const storedActivitySchema = z
  .object({ type: z.string(), timestamp: z.string(), channelId: z.literal(DIRECTLINE_CHANNEL), from: z.object({ id: z.string() }).passthrough() })
  .passthrough();

/** An activity as read back from the log, with its id. */
export type LoggedActivity = z.infer<typeof storedActivitySchema> & { id: string };

/**
 * The activity at `watermark` as clients receive it, with its id; undefined when `activity` is
 * not a Direct Line activity (absent from the event, or damaged).
 */
export function loggedActivity(conversationId: string, watermark: number, activity: unknown): LoggedActivity | undefined {
  const parsed = storedActivitySchema.safeParse(activity);
  return parsed.success ? { ...parsed.data, id: activityId(conversationId, watermark) } : undefined;
}

/** Up to `limit` activities after `watermark`, with their ids, and the watermark reached. */
export async function activitiesAfter(
  log: ConversationLog,
  conversationId: string,
  watermark: number,
  limit = 500,
): Promise<{ activities: LoggedActivity[]; watermark: number }> {
  const entries = await log.read(conversationId, watermark, limit);
  return {
    activities: entries.map((entry) => ({
      ...storedActivitySchema.parse(entry.activity),
      id: activityId(conversationId, entry.watermark),
    })),
    watermark: entries[entries.length - 1]?.watermark ?? watermark,
  };
}
