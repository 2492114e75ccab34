import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { BotGateway, OutboundReply } from '../../core/activity';
import { ApiError } from '../../errors/catalogue';
import { parseOrReject } from '../../http/validate';
import type { ConversationTokens } from '../../security/conversation-tokens';
import type { ConversationLog } from '../../storage/store';
import { conversationIdSchema, pendingMessageSchema, pendingQuerySchema, postMessageSchema, startConversationSchema } from './schema';

/** Channel name carried on activities from this channel (part of state keys and locks). */
export const HTTP_JSON_CHANNEL = 'api';

const BODY_LIMIT = '64kb';

/** Most messages one GET of the pending messages returns; the client asks again from `next`. */
const PENDING_PAGE = 100;

/**
 * The conversation log id of a JSON API conversation's messages from outside a bot turn. The
 * colon keeps it out of the Direct Line id space (Direct Line ids have none), so a Direct Line
 * client can never read or write it.
 */
export function pendingLogId(conversationId: string): string {
  return `${HTTP_JSON_CHANNEL}:${conversationId}`;
}

/**
 * A minimal JSON chat channel for scripts, tests and simple integrations: start a
 * conversation (you get a token for it), then post messages and get the bot's replies in the
 * response. What arrives outside a reply (an agent's messages after a handoff, Hearline's notes
 * about it) is read with GET …/messages?after=N. Every call but the start needs the token.
 */
export function httpJsonChannel(deps: { gateway: BotGateway; tokens: ConversationTokens; log: ConversationLog }): Router {
  const router = Router();
  router.use(express.json({ limit: BODY_LIMIT, strict: true }));
  router.use((req, _res, next) => {
    if (req.method === 'POST' && !req.is('application/json')) next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
    else next();
  });

  router.post('/conversations', async (req, res) => {
    const body = parseOrReject(startConversationSchema, req.body ?? {});
    const conversationId = `hc_${randomBytes(18).toString('base64url')}`;
    const userId = body.userId ?? `u_${randomBytes(9).toString('base64url')}`;
    const replies = await deps.gateway.process({ type: 'conversationStart', channel: HTTP_JSON_CHANNEL, conversationId, userId, locale: body.locale });
    const { token, expiresIn } = deps.tokens.issue(conversationId, userId);
    res.status(201).json({ conversationId, userId, token, expiresIn, replies: messagesOnly(replies) });
  });

  router.post('/conversations/:id/messages', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    const claims = authorise(deps.tokens, req, conversationId);
    const body = parseOrReject(postMessageSchema, req.body);
    let replies: OutboundReply[];
    try {
      replies = await deps.gateway.process({ type: 'message', channel: HTTP_JSON_CHANNEL, conversationId, userId: claims.uid, text: body.text });
    } catch (error) {
      throw new ApiError('BOT_FAILED', undefined, { cause: error });
    }
    res.json({ replies: messagesOnly(replies) });
  });

  router.get('/conversations/:id/messages', async (req, res) => {
    const conversationId = parseOrReject(conversationIdSchema, req.params.id);
    authorise(deps.tokens, req, conversationId);
    const { after } = parseOrReject(pendingQuerySchema, req.query);
    const entries = await deps.log.read(pendingLogId(conversationId), after, PENDING_PAGE);
    const messages = entries.flatMap((entry) => {
      const parsed = pendingMessageSchema.safeParse(entry.activity);
      return parsed.success ? [{ id: entry.watermark, ...parsed.data }] : [];
    });
    res.json({ messages, next: entries[entries.length - 1]?.watermark ?? after });
  });

  return router;
}

function authorise(tokens: ConversationTokens, req: Request, conversationId: string) {
  const header = req.get('authorization') ?? '';
  const match = /^Bearer\s+(\S+)$/i.exec(header);
  if (!match?.[1]) throw new ApiError('UNAUTHORIZED');
  const check = tokens.verify(match[1], conversationId);
  if (check.ok) return check.claims;
  if (check.reason === 'expired') throw new ApiError('TOKEN_EXPIRED');
  if (check.reason === 'other-conversation') throw new ApiError('FORBIDDEN');
  throw new ApiError('UNAUTHORIZED');
}

function messagesOnly(replies: OutboundReply[]) {
  return replies.filter((reply) => reply.type === 'message');
}
