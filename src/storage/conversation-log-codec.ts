import { z } from 'zod';

/** What a ConversationLog accepts and keeps as a conversation record. */
export const conversationRecordSchema = z.object({
  conversationId: z.string().min(1),
  userId: z.string().min(1),
  createdAt: z.iso.datetime({ offset: true }),
});

/**
 * Checks the arguments of ConversationLog.read, so both stores refuse the same nonsense
 * instead of each reading it differently.
 */
export function checkReadRange(afterWatermark: number, limit: number | undefined): void {
  if (!Number.isInteger(afterWatermark) || afterWatermark < 0) {
    throw new RangeError(`ConversationLog.read: afterWatermark must be a non-negative integer, got ${afterWatermark}`);
  }
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) {
    throw new RangeError(`ConversationLog.read: limit must be a non-negative integer, got ${limit}`);
  }
}

/** An activity or signal payload as JSON; values JSON cannot hold (undefined, functions) are refused. */
export function toJson(method: 'append' | 'signal', conversationId: string, value: unknown): string {
  const json: unknown = JSON.stringify(value);
  if (typeof json !== 'string') {
    throw new Error(`ConversationLog.${method}: value for conversation ${conversationId} is not JSON-serialisable`);
  }
  return json;
}

/** Parses a stored activity, naming where it sits when it is damaged. */
export function fromJson(conversationId: string, watermark: number, json: string): unknown {
  try {
    return JSON.parse(json);
  } catch (cause) {
    throw new Error(`ConversationLog.read: stored activity ${watermark} of conversation ${conversationId} is not valid JSON`, {
      cause,
    });
  }
}
