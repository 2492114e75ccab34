import { randomBytes, timingSafeEqual } from 'node:crypto';
import type { RateLimiterAbstract } from 'rate-limiter-flexible';
import type { BotGateway, InboundActivity, OutboundReply } from '../../core/activity';
import type { AttachmentRef } from '../../services/attachments/attachment-service';
import type { Locale } from '../../domain/complaint';
import { ApiError } from '../../errors/catalogue';
import { consumeOrReject } from '../../http/rate-limit';
import { normaliseLocale } from '../../i18n/locale';
import type { Logger } from '../../logging/logger';
import type { ConversationClaims, ConversationTokens } from '../../security/conversation-tokens';
import type { ConversationLog, ConversationRecord } from '../../storage/store';
import { BoundedMap } from '../../util/bounded-map';
import type { Clock } from '../../util/clock';
import { DIRECTLINE_CHANNEL, activitiesAfter, activityId, botMessage, userEcho, type LoggedActivity } from './directline-activities';
import type { PostedActivity } from './schema';

/** Who is calling: the site's back end with the secret, or a client with a conversation token. */
export type DirectLineCaller = { kind: 'secret' } | { kind: 'token'; claims: ConversationClaims };

/** What the Direct Line service is built from. */
export interface DirectLineDependencies {
  gateway: BotGateway;
  log: ConversationLog;
  /** 30-minute tokens granting one conversation. */
  tokens: ConversationTokens;
  /** 60-second tokens that pre-authorise one WebSocket stream URL. */
  streamTokens: ConversationTokens;
  secret: string;
  clock: Clock;
  logger: Logger;
  /** Per-conversation message rate. */
  messageLimiter: RateLimiterAbstract;
  /**
   * This instance's sockets: `typing` shows the typing indicator on the conversation's sockets
   * held here and says whether there were any. When there are none, the indicator goes through
   * the conversation log to whichever instance holds the socket.
   */
  localStreams?: { typing(conversationId: string): boolean };
}

/** A conversation as Direct Line answers it on start and reconnect. */
export interface ConversationInfo {
  conversationId: string;
  token: string;
  expires_in: number;
  streamUrl: string;
}

/** Conversation records kept in memory: records never change once created. */
const KNOWN_CONVERSATIONS = 10_000;

const newConversationId = () => randomBytes(16).toString('base64url');
const newUserId = () => `dl_${randomBytes(9).toString('base64url')}`;

/**
 * The Direct Line 3.0 service behind /v3/directline: conversations, tokens, posting activities
 * (echoed with id and clientActivityID, then answered by the bot core) and reading them from a
 * watermark. Everything a client reads comes from the shared conversation log, so any
 * instance can serve any request.
 */
export class DirectLineService {
  private readonly secret: Buffer;
  /** Records already read, oldest first: every post would otherwise read the record again. */
  private readonly known = new BoundedMap<string, ConversationRecord>(KNOWN_CONVERSATIONS);

  constructor(private readonly deps: DirectLineDependencies) {
    this.secret = Buffer.from(deps.secret);
  }

  /** Checks `Authorization: Bearer <secret or token>`: 401 when missing, 403 when not valid. */
  authorize(header: string | undefined, conversationId?: string): DirectLineCaller {
    const match = /^Bearer\s+(\S+)$/i.exec(header ?? '');
    if (!match?.[1]) throw new ApiError('UNAUTHORIZED');
    const credential = Buffer.from(match[1]);
    if (credential.length === this.secret.length && timingSafeEqual(credential, this.secret)) return { kind: 'secret' };
    const check = this.deps.tokens.verify(match[1], conversationId);
    if (check.ok) return { kind: 'token', claims: check.claims };
    throw new ApiError(check.reason === 'expired' ? 'TOKEN_EXPIRED' : 'FORBIDDEN');
  }

  /** POST /tokens/generate: a token for a conversation that starts when the client first uses it. */
  generateToken(caller: DirectLineCaller, requestedUserId: string | undefined): { conversationId: string; userId: string; token: string; expires_in: number } {
    if (caller.kind !== 'secret') throw new ApiError('FORBIDDEN');
    const conversationId = newConversationId();
    const userId = requestedUserId ? toDirectLineUserId(requestedUserId) : newUserId();
    const { token, expiresIn } = this.deps.tokens.issue(conversationId, userId);
    return { conversationId, userId, token, expires_in: expiresIn };
  }

  /** POST /tokens/refresh: the same grant with a new expiry. */
  refreshToken(caller: DirectLineCaller): { conversationId: string; token: string; expires_in: number } {
    if (caller.kind !== 'token') throw new ApiError('FORBIDDEN');
    const { token, expiresIn } = this.deps.tokens.issue(caller.claims.cid, caller.claims.uid);
    return { conversationId: caller.claims.cid, token, expires_in: expiresIn };
  }

  /**
   * POST /conversations: with the secret, a new conversation; with a token, the token's
   * conversation, created on first use. A new conversation is greeted by the bot.
   */
  async startConversation(
    caller: DirectLineCaller,
    options: { userId?: string; locale?: string; baseUrl: string },
  ): Promise<{ created: boolean; info: ConversationInfo }> {
    const conversationId = caller.kind === 'token' ? caller.claims.cid : newConversationId();
    const userId = caller.kind === 'token' ? caller.claims.uid : options.userId ? toDirectLineUserId(options.userId) : newUserId();
    const created = await this.deps.log.create({ conversationId, userId, createdAt: this.deps.clock.now().toISOString() });
    if (created) {
      const locale = optionalLocale(options.locale);
      await this.runTurn(conversationId, userId, { type: 'conversationStart', locale });
    }
    return { created, info: this.conversationInfo(conversationId, userId, options.baseUrl, 0) };
  }

  /** GET /conversations/{id}?watermark=: a fresh stream URL to reconnect from the watermark. */
  async reconnect(conversationId: string, watermark: number, baseUrl: string): Promise<ConversationInfo> {
    const record = await this.requireConversation(conversationId);
    return this.conversationInfo(conversationId, record.userId, baseUrl, watermark);
  }

  /**
   * POST /conversations/{id}/activities: echoes a message into the log, then lets the bot
   * answer; replies follow the echo in the log. Other activity types are accepted and dropped.
   * `upload` is the files of an upload and the address their links start with.
   */
  async postActivity(
    caller: DirectLineCaller,
    conversationId: string,
    activity: PostedActivity,
    upload: { files: AttachmentRef[]; baseUrl: string } = { files: [], baseUrl: '' },
  ): Promise<{ id: string }> {
    const { files, baseUrl } = upload;
    const record = await this.requireConversation(conversationId);
    await consumeOrReject(this.deps.messageLimiter, conversationId);
    const userId = caller.kind === 'token' ? caller.claims.uid : (activity.from?.id ?? record.userId);
    if (activity.type !== 'message') {
      return { id: `${conversationId}|ephemeral-${randomBytes(6).toString('hex')}` };
    }
    const text = activity.text ?? '';
    const echo = userEcho({
      conversationId,
      userId,
      userName: activity.from?.name,
      text,
      locale: activity.locale,
      clientActivityId: activity.channelData?.clientActivityID,
      attachments: files.map((file) => ({ contentType: file.contentType, contentUrl: `${baseUrl}/v3/directline/attachments/${file.id}`, name: file.name })),
      at: this.deps.clock.now(),
    });
    const id = activityId(conversationId, await this.deps.log.append(conversationId, echo));
    if (!this.deps.localStreams?.typing(conversationId)) await this.deps.log.signal(conversationId, { type: 'typing' });
    try {
      await this.runTurn(conversationId, userId, {
        type: 'message',
        text,
        locale: optionalLocale(activity.locale),
        replyToId: id,
        attachments: files.map((file) => ({ id: file.id, contentType: file.contentType, name: file.name })),
      });
    } catch (error) {
      throw new ApiError('BOT_FAILED', undefined, { cause: error });
    }
    return { id };
  }

  /** GET /conversations/{id}/activities?watermark=: polling. */
  async activitiesSince(conversationId: string, watermark: number): Promise<{ activities: LoggedActivity[]; watermark: string }> {
    await this.requireConversation(conversationId);
    const read = await activitiesAfter(this.deps.log, conversationId, watermark);
    return { activities: read.activities, watermark: String(read.watermark) };
  }

  private async runTurn(
    conversationId: string,
    userId: string,
    input: { type: 'message' | 'conversationStart'; text?: string; locale?: Locale; replyToId?: string; attachments?: InboundActivity['attachments'] },
  ): Promise<void> {
    const append = async (reply: OutboundReply) => {
      if (reply.type !== 'message') return;
      await this.deps.log.append(conversationId, botMessage(conversationId, userId, reply, this.deps.clock.now(), input.replyToId));
    };
    await this.deps.gateway.process(
      { type: input.type, channel: DIRECTLINE_CHANNEL, conversationId, userId, text: input.text, locale: input.locale, attachments: input.attachments },
      append,
    );
  }

  private async requireConversation(conversationId: string): Promise<ConversationRecord> {
    const known = this.known.get(conversationId);
    if (known) return known;
    const record = await this.deps.log.get(conversationId);
    if (!record) throw new ApiError('NOT_FOUND');
    this.known.set(conversationId, record);
    return record;
  }

  private conversationInfo(conversationId: string, userId: string, baseUrl: string, watermark: number): ConversationInfo {
    const { token, expiresIn } = this.deps.tokens.issue(conversationId, userId);
    const stream = this.deps.streamTokens.issue(conversationId, userId).token;
    const wsBase = baseUrl.replace(/^http/, 'ws');
    return {
      conversationId,
      token,
      expires_in: expiresIn,
      streamUrl: `${wsBase}/v3/directline/conversations/${conversationId}/stream?t=${encodeURIComponent(stream)}&watermark=${watermark}`,
    };
  }
}

function toDirectLineUserId(id: string): string {
  return id.startsWith('dl_') ? id : `dl_${id}`;
}

/** Web Chat sends the browser's locale (zh-CN, zh-TW, en-GB...), sometimes none. */
function optionalLocale(tag: string | undefined): Locale | undefined {
  return tag ? normaliseLocale(tag) : undefined;
}
