import path from 'node:path';
import express, { Router, type Request, type RequestHandler } from 'express';
import type { Auth } from '../auth/auth';
import { roleAllows } from '../auth/roles';
import { pickLocale } from '../channels/webchat/webchat-page';
import { LOCALES, localeSchema, type Locale } from '../domain/complaint';
import { ApiError } from '../errors/catalogue';
import { sendStaffPage, serveStaffAssets, staffPageStrings } from '../http/staff-page';
import { parseOrReject } from '../http/validate';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import { HandoffConflictError, HandoffNotFoundError } from '../services/handoff/handoff-desk';
import { findProjectRoot } from '../util/project-root';
import type { AgentConsole } from './agent-console';
import { renderAgentPage, type AgentPageConfig } from './agent-page';
import { AGENT_SOCKET_PATH } from './agent-socket';
import { AGENT_SKILLS, CLOSE_OUTCOMES, cannedQuerySchema, closeSchema, conversationParamsSchema, presenceSchema, replySchema, transferSchema } from './schema';

/** What the console's routes need from the composition root. */
export interface AgentRouterDependencies {
  auth: Auth;
  console: AgentConsole;
  prompts: PromptCatalog;
  defaultLocale: Locale;
  /** How often the page tells the desk it is open (well under the desk's presence timeout). */
  heartbeatSeconds: number;
}

/**
 * The agent console, for agents and administrators; mount at `/agent`.
 * - `GET /` the page (plain script and stylesheet under `/assets/`, strict CSP); live updates
 *   come over the WebSocket at /agent/ws (see AgentSocketHub);
 * - `/api/...` JSON: the queue and my conversations, presence, online agents, canned replies,
 *   and per conversation: view, claim, reply, transfer, return to the bot, close.
 * 401 without a session, 403 for other roles, 400 with field errors, 404 for a conversation
 * that never asked for a person, 409 when another agent has it or its state forbids the action,
 * and 409 for a heartbeat from a console whose live socket has closed.
 */
export function agentRouter(deps: AgentRouterDependencies): Router {
  const strings = staffPageStrings(deps.prompts, 'agent.', { skip: 'agent.customer.', alsoUnder: ['handoff.reason.'] });
  const me = (req: Request) => deps.auth.signedIn(req).user.name;
  const keyOf = (req: Request) => {
    const { channel, conversationId } = parseOrReject(conversationParamsSchema, req.params);
    return `${channel}/${conversationId}`;
  };

  const router = Router();
  const assets = serveStaffAssets(router, '/agent', path.join(findProjectRoot(), 'src', 'agent', 'assets'), 'agent');

  router.get('/', deps.auth.requireRole('agent'), (req, res) => {
    const lang = localeSchema.safeParse(req.query['lang']);
    const uiLocale = lang.success ? lang.data : pickLocale(req.acceptsLanguages().filter((tag) => tag !== '*'), deps.defaultLocale);
    const { user, session } = deps.auth.signedIn(req);
    const config: AgentPageConfig = {
      uiLocale,
      strings,
      user: { name: user.name, role: user.role },
      csrfToken: session.csrfToken,
      locales: [...LOCALES],
      skills: [...AGENT_SKILLS],
      outcomes: [...CLOSE_OUTCOMES],
      socketPath: AGENT_SOCKET_PATH,
      heartbeatSeconds: deps.heartbeatSeconds,
    };
    sendStaffPage(res, renderAgentPage({ config, assets }));
  });

  const api = Router();
  api.use(deps.auth.requireRole('agent'));
  api.use(jsonOnly);
  api.use(express.json({ limit: '16kb', strict: true }));

  api.get('/overview', async (req, res) => {
    res.json(await deps.console.overview(me(req)));
  });

  api.get('/agents', async (_req, res) => {
    res.json({ agents: await deps.console.onlineAgents() });
  });

  api.post('/presence', async (req, res) => {
    const body = parseOrReject(presenceSchema, req.body);
    const profile = { name: me(req), locales: body.locales, skills: body.skills };
    // A heartbeat from a console whose socket has closed (it was in flight as the last tab closed) does not count.
    if (!(await deps.console.heartbeat(profile, body.console))) throw new ApiError('CONSOLE_CLOSED');
    res.json({ online: true, profile });
  });

  api.delete('/presence', async (req, res) => {
    await deps.console.signOff(me(req));
    res.status(204).end();
  });

  api.get('/canned', (req, res) => {
    const query = parseOrReject(cannedQuerySchema, req.query);
    res.json({ replies: deps.console.canned(query.locale, query.q || undefined) });
  });

  api.get('/conversations/:channel/:conversationId', async (req, res) => {
    const key = keyOf(req);
    res.json(await desk(() => deps.console.view(key)));
  });

  api.post('/conversations/:channel/:conversationId/claim', async (req, res) => {
    const key = keyOf(req);
    res.json({ record: await desk(() => deps.console.claim(key, me(req))) });
  });

  api.post('/conversations/:channel/:conversationId/reply', async (req, res) => {
    const key = keyOf(req);
    const body = parseOrReject(replySchema, req.body);
    res.json(await desk(() => deps.console.reply(key, me(req), body.text)));
  });

  api.post('/conversations/:channel/:conversationId/transfer', async (req, res) => {
    const key = keyOf(req);
    const body = parseOrReject(transferSchema, req.body);
    if (body.toAgent !== undefined) {
      const target = await deps.auth.users.get(body.toAgent);
      if (!target || !roleAllows(target.role, ['agent'])) throw new ApiError('BAD_REQUEST', { toAgent: ['there is no agent of this name'] });
      if (target.name === me(req)) throw new ApiError('BAD_REQUEST', { toAgent: ['choose another agent than yourself'] });
    }
    res.json({ record: await desk(() => deps.console.transfer(key, me(req), { agent: body.toAgent, skill: body.toSkill })) });
  });

  api.post('/conversations/:channel/:conversationId/return', async (req, res) => {
    const key = keyOf(req);
    res.json({ record: await desk(() => deps.console.returnToBot(key, me(req))) });
  });

  api.post('/conversations/:channel/:conversationId/close', async (req, res) => {
    const key = keyOf(req);
    const body = parseOrReject(closeSchema, req.body);
    res.json({ record: await desk(() => deps.console.close(key, me(req), body.outcome, body.note || undefined)) });
  });

  router.use('/api', api);
  return router;
}

/** The desk's refusals as the API's answers: 404 unknown conversation, 409 taken or wrong state. */
async function desk<T>(action: () => Promise<T>): Promise<T> {
  try {
    return await action();
  } catch (error) {
    if (error instanceof HandoffNotFoundError) throw new ApiError('NOT_FOUND', undefined, { cause: error });
    if (error instanceof HandoffConflictError) throw new ApiError('HANDOFF_CONFLICT', undefined, { cause: error, details: { state: error.state } });
    throw error;
  }
}

const jsonOnly: RequestHandler = (req, _res, next) => {
  const hasBody = Number(req.get('content-length') ?? '0') > 0 || req.get('transfer-encoding') !== undefined;
  if (['POST', 'PUT'].includes(req.method) && hasBody && !req.is('application/json')) next(new ApiError('UNSUPPORTED_MEDIA_TYPE'));
  else next();
};
