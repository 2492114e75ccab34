import { randomBytes } from 'node:crypto';
import express, { Router, type Request } from 'express';
import type { BotGateway, OutboundReply } from '../../core/activity';
import { ApiError } from '../../errors/catalogue';
import { parseOrReject } from '../../http/validate';
import type { ConversationTokens } from '../../security/conversation-tokens';
import { conversationIdSchema, postMessageSchema, startConversationSchema } from './schema';

/** Channel name carried on activities from this channel (part of state keys and locks). */
export const HTTP_JSON_CHANNEL = 'api';

const BODY_LIMIT = '64kb';

/**
 * A minimal JSON chat channel for scripts, tests and simple integrations: start a
 * conversation (you get a token for it), then post messages and get the bot's replies in the
 * response. Every message call needs that conversation's token.
 */
export function httpJsonChannel(deps: { gateway: BotGateway; tokens: ConversationTokens }): Router {
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
