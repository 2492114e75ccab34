import {
  ActivityTypes,
  CloudAdapter,
  ConfigurationBotFrameworkAuthentication,
  InputHints,
  MessageFactory,
  type TurnContext,
} from 'botbuilder';
import express, { Router } from 'express';
import { z } from 'zod';
import type { BotGateway } from '../../core/activity';
import { parseOrReject } from '../../http/validate';
import { normaliseLocale } from '../../i18n/locale';
import type { Logger } from '../../logging/logger';

/** The fields of an incoming activity that the adapter and the bot core rely on. */
const incomingActivitySchema = z
  .object({
    type: z.string().min(1).max(50),
    channelId: z.string().min(1).max(100),
    serviceUrl: z.string().url(),
    conversation: z.object({ id: z.string().min(1).max(200) }).passthrough(),
    from: z.object({ id: z.string().min(1).max(200) }).passthrough(),
    recipient: z.object({ id: z.string().min(1).max(200) }).passthrough(),
    text: z.string().max(60_000).optional(),
  })
  .passthrough();

/** Credentials of an Azure Bot registration; none at all means anonymous (Bot Framework Emulator). */
export interface BotFrameworkCredentials {
  appId: string | undefined;
  appPassword: string | undefined;
  tenantId: string | undefined;
}

/** Channel ids become part of state keys: keep them to the characters the bot core accepts. */
function channelName(channelId: string | undefined): string {
  const cleaned = (channelId ?? 'botframework').toLowerCase().replace(/[^a-z0-9-]/g, '-').slice(0, 50);
  return /^[a-z]/.test(cleaned) ? cleaned : `bf-${cleaned}`.slice(0, 50);
}

/**
 * POST /api/messages for the Bot Framework Emulator and Azure Bot Service. botbuilder's
 * CloudAdapter checks the caller's JWT (skipped when anonymous) and sends replies back to the
 * channel; the turn itself runs in Hearline's bot core like every other channel's.
 */
export function botFrameworkChannel(deps: { gateway: BotGateway; credentials: BotFrameworkCredentials; logger: Logger }): Router {
  const { appId, appPassword, tenantId } = deps.credentials;
  const auth = new ConfigurationBotFrameworkAuthentication({
    MicrosoftAppId: appId ?? '',
    MicrosoftAppPassword: appPassword ?? '',
    MicrosoftAppTenantId: tenantId ?? '',
    MicrosoftAppType: tenantId ? 'SingleTenant' : 'MultiTenant',
  });
  const adapter = new CloudAdapter(auth);
  adapter.onTurnError = async (context, error) => {
    deps.logger.error({ err: error, conversationId: context.activity.conversation?.id }, 'bot framework channel turn failed');
  };

  const logic = async (context: TurnContext) => {
    const activity = context.activity;
    const isStart = activity.type === ActivityTypes.ConversationUpdate && (activity.membersAdded ?? []).some((member) => member.id !== activity.recipient.id);
    if (activity.type !== ActivityTypes.Message && !isStart) return;
    const replies = await deps.gateway.process({
      type: isStart ? 'conversationStart' : 'message',
      channel: channelName(activity.channelId),
      conversationId: activity.conversation.id,
      userId: activity.from.id,
      userName: activity.from.name,
      text: activity.text,
      locale: normaliseLocale(activity.locale ?? ''),
    });
    for (const reply of replies) {
      if (reply.type !== 'message') continue;
      const hint = reply.expectsInput ? InputHints.ExpectingInput : InputHints.AcceptingInput;
      const message = reply.choices.length > 0 ? MessageFactory.suggestedActions(reply.choices, reply.text, reply.speak, hint) : MessageFactory.text(reply.text, reply.speak, hint);
      message.locale = reply.locale;
      message.textFormat = 'markdown';
      await context.sendActivity(message);
    }
  };

  const router = Router();
  router.post('/messages', express.json({ limit: '256kb' }), async (req, res) => {
    parseOrReject(incomingActivitySchema, req.body);
    await adapter.process(req, res, logic);
  });
  return router;
}
