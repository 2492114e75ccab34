import type { IncomingMessage, Server } from 'node:http';
import type { Router } from 'express';
import { SESSION_COOKIE, type Auth } from '../auth/auth';
import { parseCookies } from '../auth/cookies';
import { roleAllows } from '../auth/roles';
import { DIRECTLINE_CHANNEL } from '../channels/directline/directline-activities';
import type { Locale } from '../domain/complaint';
import type { PromptCatalog } from '../i18n/prompt-catalog';
import type { Logger } from '../logging/logger';
import type { HandoffDesk } from '../services/handoff/handoff-desk';
import type { KnowledgeEngine } from '../services/knowledge/knowledge-service';
import type { Store } from '../storage/store';
import type { Clock } from '../util/clock';
import { AgentConsole } from './agent-console';
import type { AgentEventFeed } from './agent-events';
import { agentRouter } from './agent-router';
import { AgentSocketHub, type SocketIdentity } from './agent-socket';
import { CustomerChannelDirectory, DirectLineCustomerChannel, HttpJsonCustomerChannel } from './customer-channels';
import { HTTP_JSON_CHANNEL } from '../channels/http-json/http-json-channel';
import { HandoffSweeper } from './handoff-sweeper';

/** What the agent console is built from (the composition root has all of it). */
export interface AgentModuleDependencies {
  auth: Auth;
  desk: HandoffDesk;
  /** The same feed the desk announces on. */
  feed: AgentEventFeed;
  store: Store;
  prompts: PromptCatalog;
  knowledge: { readonly engine: KnowledgeEngine };
  clock: Clock;
  logger: Logger;
  defaultLocale: Locale;
  /** The site's public address, when configured: its origin may open the console's socket too. */
  publicUrl: string | undefined;
  /** Whether this instance holds an open Direct Line stream of a conversation. */
  holdsStream: (conversationId: string) => boolean;
  /**
   * `agentGraceSeconds`: how long the conversations of an agent who went away stay theirs before
   * they go back to the queue; `companySeconds`: how long a waiting customer goes without a word
   * before they are told their place and wait again.
   */
  handoff: { abandonAfterSeconds: number; sweepSeconds: number; heartbeatSeconds: number; agentGraceSeconds: number; companySeconds: number };
}

/** The console's router (mount at `/agent`), its live socket and the queue sweeper. */
export interface AgentModule {
  readonly router: Router;
  readonly console: AgentConsole;
  readonly sweeper: HandoffSweeper;
  /** Serves /agent/ws on the server and starts sweeping. */
  attach(server: Server): void;
  close(): Promise<void>;
}

export function createAgentModule(deps: AgentModuleDependencies): AgentModule {
  const channels = new CustomerChannelDirectory({
    [DIRECTLINE_CHANNEL]: new DirectLineCustomerChannel({ log: deps.store.conversations, clock: deps.clock }),
    [HTTP_JSON_CHANNEL]: new HttpJsonCustomerChannel({ log: deps.store.conversations, clock: deps.clock }),
  });
  const agentConsole = new AgentConsole({
    desk: deps.desk,
    documents: deps.store.documents,
    channels,
    prompts: deps.prompts,
    knowledge: deps.knowledge,
    clock: deps.clock,
    logger: deps.logger,
  });
  const sockets = new AgentSocketHub({
    feed: deps.feed,
    desk: deps.desk,
    identify: (req) => identifyAgent(deps.auth, req),
    originAllowed: (origin, req) => sameSite(origin, req, deps.publicUrl),
    logger: deps.logger,
  });
  const sweeper = new HandoffSweeper({
    desk: deps.desk,
    documents: deps.store.documents,
    channels,
    prompts: deps.prompts,
    clock: deps.clock,
    logger: deps.logger,
    holdsStream: deps.holdsStream,
    holdsConsole: (agent) => sockets.holds(agent),
    abandonAfterSeconds: deps.handoff.abandonAfterSeconds,
    agentGraceSeconds: deps.handoff.agentGraceSeconds,
    companySeconds: deps.handoff.companySeconds,
    intervalSeconds: deps.handoff.sweepSeconds,
  });
  return {
    router: agentRouter({ auth: deps.auth, console: agentConsole, prompts: deps.prompts, defaultLocale: deps.defaultLocale, heartbeatSeconds: deps.handoff.heartbeatSeconds }),
    console: agentConsole,
    sweeper,
    attach(server) {
      sockets.attach(server);
      sweeper.start();
    },
    async close() {
      await sweeper.stop();
      await sockets.close();
    },
  };
}

/** The signed-in agent (or admin) of a socket upgrade, from its session cookie, as requireRole would decide. */
async function identifyAgent(auth: Auth, req: IncomingMessage): Promise<SocketIdentity> {
  const session = await auth.sessions.resolve(parseCookies(req.headers.cookie).get(SESSION_COOKIE));
  const user = session ? await auth.users.get(session.userName) : undefined;
  if (!session || !user || user.credentialVersion !== session.credentialVersion) return { ok: false, status: 401 };
  if (!roleAllows(user.role, ['agent'])) return { ok: false, status: 403 };
  return { ok: true, agent: user.name };
}

/** The browser's Origin is this site: the Host it asked for, or the configured public address. */
function sameSite(origin: string, req: IncomingMessage, publicUrl: string | undefined): boolean {
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return false;
  }
  if (publicUrl !== undefined && parsed.origin === new URL(publicUrl).origin) return true;
  return (parsed.protocol === 'http:' || parsed.protocol === 'https:') && parsed.host === req.headers.host;
}
