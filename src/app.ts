import type { Server } from 'node:http';
import type { Express } from 'express';
import type { BotGateway } from './core/activity';
import { BotCore } from './core/bot-core';
import type { Config } from './config';
import { botFrameworkChannel } from './channels/bot-framework/bot-framework-channel';
import { directLineRouter, pageTokenRouter } from './channels/directline/directline-router';
import { DirectLineService } from './channels/directline/directline-service';
import { DirectLineStreamHub } from './channels/directline/directline-streams';
import { httpJsonChannel } from './channels/http-json/http-json-channel';
import { webChatRouter } from './channels/webchat/webchat-page';
import { agentEventFeed } from './agent/agent-events';
import { createAgentModule, type AgentModule } from './agent/agent-module';
import { createAuth, LOGIN_LIMITS, type Auth } from './auth/auth';
import { editorRouter } from './editor/editor-router';
import { createHttpApp } from './http/server';
import { PromptCatalog } from './i18n/prompt-catalog';
import { createLogger, type Logger } from './logging/logger';
import { ConversationTokens } from './security/conversation-tokens';
import { loadOrCreateSecrets } from './security/secrets';
import { RuleBasedClassifier, type ComplaintClassifier } from './services/complaints/classifier';
import { ComplaintService } from './services/complaints/complaint-service';
import { HandoffDesk } from './services/handoff/handoff-desk';
import { DeskHandoffService, type HandoffService } from './services/handoff/handoff-service';
import { EscalationPolicy } from './services/escalation/escalation-policy';
import { LexiconEmotionDetector } from './services/emotion';
import type { EmotionSensor } from '../dialogs/dialog-kit';
import { buildKnowledgeEngine } from './services/knowledge/engine';
import { StoreKnowledgeGaps, type KnowledgeGapRecorder } from './services/knowledge/knowledge-gaps';
import { KnowledgeRepository } from './services/knowledge/knowledge-repository';
import type { KnowledgeEngineBuilder, KnowledgeService } from './services/knowledge/knowledge-service';
import { conversationLogFeed, LiveKnowledgeService } from './services/knowledge/live-knowledge-service';
import { ruleBasedUnderstanding } from './services/nlu/understanding';
import { AttachmentService } from './services/attachments/attachment-service';
import { openRedisStore } from './storage/redis-store';
import { openSqliteStore } from './storage/sqlite-store';
import type { Store } from './storage/store';
import { systemClock, type Clock } from './util/clock';
import { findProjectRoot } from './util/project-root';
import { cryptoRandom, type RandomSource } from './util/random';

/** Parts a caller may supply instead of the defaults (tests inject clocks, fakes of cloud services). */
export interface AppDependencies {
  clock?: Clock;
  random?: RandomSource;
  logger?: Logger;
  store?: Store;
  /** Answers customers instead of the live knowledge base (the editor still edits the live one). */
  knowledge?: KnowledgeService;
  /** Builds a knowledge engine from articles, at start-up and on every publish. */
  knowledgeEngineBuilder?: KnowledgeEngineBuilder;
  /** Where dialogs report questions the knowledge base did not answer well. */
  knowledgeGaps?: KnowledgeGapRecorder;
  handoff?: HandoffService;
  /** Reads the emotion of each customer message. */
  emotions?: EmotionSensor;
  classifier?: ComplaintClassifier;
  /**
   * Replaces the bot behind every channel, e.g. with a minimal echo bot for the benchmark's
   * floor; the dialogs' bot core is still built (and reachable as `core`).
   */
  gateway?: BotGateway;
}

/** A wired Hearline: the bot core, its store and the HTTP application. */
export interface HearlineApp {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  /** What the channels talk to: the bot core unless a gateway was injected. */
  readonly gateway: BotGateway;
  readonly core: BotCore;
  readonly http: Express;
  /** Users, sign-in sessions and the role check, shared by the editor and the agent console. */
  readonly auth: Auth;
  /** The knowledge base as published: swapped on every publish, on every instance. */
  readonly liveKnowledge: LiveKnowledgeService;
  /** The human agents' desk: queue, presence, claims. */
  readonly handoffDesk: HandoffDesk;
  /** The agent console: its operations, router and the queue sweeper. */
  readonly agentConsole: AgentModule;
  /** Starts listening on config.host:config.port (port 0 picks a free one). */
  listen(): Promise<Server>;
  /** Stops the server and closes the store. */
  close(): Promise<void>;
}

/**
 * The composition root: builds every object Hearline runs on and wires them together. Nothing
 * else opens connections or reads configuration.
 */
export async function createApp(config: Config, deps: AppDependencies = {}): Promise<HearlineApp> {
  const logger = deps.logger ?? createLogger(config.logLevel);
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? cryptoRandom;
  const store = deps.store ?? (await openStore(config, logger));
  const prompts = PromptCatalog.load(`${findProjectRoot()}/prompts`);
  const knowledgeRepository = new KnowledgeRepository({ documents: store.documents, clock, knowledgeDir: config.knowledgeDir });
  const liveKnowledge = await LiveKnowledgeService.start({
    repository: knowledgeRepository,
    builder: deps.knowledgeEngineBuilder ?? ((articles) => buildKnowledgeEngine(articles, config.knowledgeThresholds)),
    feed: conversationLogFeed(store.conversations),
    clock,
    logger,
  });
  const knowledge = deps.knowledge ?? liveKnowledge;
  const knowledgeGaps = new StoreKnowledgeGaps({ documents: store.documents, onError: (error) => logger.error({ err: error }, 'knowledge gap not kept') });
  const auth = createAuth({
    documents: store.documents,
    clock,
    logger,
    prompts,
    defaultLocale: config.defaultLocale,
    secureCookies: config.mode === 'production' ? 'always' : 'auto',
    lifetime: { idleMs: config.sessions.idleMinutes * 60_000, maxMs: config.sessions.maxHours * 3_600_000 },
    // Counted in the store, so that several instances share one count.
    limiters: {
      perNameAndAddress: store.rateLimiter('login-name-address', LOGIN_LIMITS.perNameAndAddress.points, LOGIN_LIMITS.perNameAndAddress.durationSeconds),
      perAddress: store.rateLimiter('login-address', LOGIN_LIMITS.perAddress.points, LOGIN_LIMITS.perAddress.durationSeconds),
    },
  });
  // Desk events (queue changes, messages) reach the agent consoles on every instance.
  const agentEvents = agentEventFeed(store.conversations, logger);
  const handoffDesk = new HandoffDesk(store.documents, clock, { ...config.handoff, timeZone: config.timeZone, presenceTimeoutSeconds: 90 }, (event) =>
    agentEvents.announce(event),
  );
  const complaints = new ComplaintService({
    repository: store.complaints,
    classifier: deps.classifier ?? new RuleBasedClassifier(),
    clock,
    random,
  });
  const core = new BotCore({
    store,
    clock,
    logger,
    defaultLocale: config.defaultLocale,
    maxMessageChars: config.maxMessageChars,
    services: {
      prompts,
      complaints,
      knowledge,
      knowledgeGaps: deps.knowledgeGaps ?? knowledgeGaps,
      handoff: deps.handoff ?? new DeskHandoffService(handoffDesk, clock),
      emotions: deps.emotions ?? new LexiconEmotionDetector(config.escalation.angerIntensity === undefined ? {} : { escalationIntensity: config.escalation.angerIntensity }),
      escalation: new EscalationPolicy(config.escalation),
      nlu: ruleBasedUnderstanding,
      clock,
      random,
      timeZone: config.timeZone,
    },
  });
  const gateway: BotGateway = deps.gateway ?? core;
  const secrets = await loadOrCreateSecrets(store.documents);
  const tokens = new ConversationTokens(secrets.tokenSigningKey, clock);
  // Stream URLs carry their own short-lived token, signed with a derived key so that neither
  // kind of token can stand in for the other.
  const streamTokens = new ConversationTokens(`${secrets.tokenSigningKey}:stream`, clock, 60);
  const streams = new DirectLineStreamHub({ log: store.conversations, streamTokens, clock, logger });
  const directLine = new DirectLineService({
    gateway,
    log: store.conversations,
    tokens,
    streamTokens,
    secret: config.directLineSecret ?? secrets.directLineSecret,
    clock,
    logger,
    messageLimiter: store.rateLimiter('directline-messages', config.directLineMessagesPerSecond, 1),
    localStreams: streams,
  });
  const agentConsole = createAgentModule({
    auth,
    desk: handoffDesk,
    feed: agentEvents,
    store,
    prompts,
    knowledge: liveKnowledge,
    clock,
    logger,
    defaultLocale: config.defaultLocale,
    publicUrl: config.publicUrl,
    holdsStream: (conversationId) => streams.holds(conversationId),
    handoff: {
      abandonAfterSeconds: config.handoff.abandonAfterSeconds,
      sweepSeconds: config.handoff.sweepSeconds,
      heartbeatSeconds: 30,
      agentGraceSeconds: config.handoff.agentGraceSeconds,
      companySeconds: config.handoff.companySeconds,
    },
  });
  // Anonymous /api/messages sends replies to whatever serviceUrl a caller names: allowed for the
  // Emulator in development, only with an app registration in production.
  const botFrameworkEnabled = config.botFramework.appId !== undefined || config.mode !== 'production';
  const http = createHttpApp({
    store,
    logger,
    routers: [
      ...(botFrameworkEnabled ? [{ path: '/api', router: botFrameworkChannel({ gateway, credentials: config.botFramework, logger }) }] : []),
      { path: '/api/chat', router: httpJsonChannel({ gateway, tokens, log: store.conversations }) },
      { path: '/v3/directline', router: directLineRouter({ service: directLine, attachments: new AttachmentService(store.documents), publicUrl: config.publicUrl }) },
      { path: '/api/directline', router: pageTokenRouter({ service: directLine, limiter: store.rateLimiter('page-token', 30, 60) }) },
      { path: '/', router: auth.router },
      {
        path: '/editor',
        router: editorRouter({ auth, repository: knowledgeRepository, live: liveKnowledge, gaps: knowledgeGaps, prompts, defaultLocale: config.defaultLocale, clock }),
      },
      { path: '/agent', router: agentConsole.router },
      {
        path: '/',
        router: webChatRouter({ prompts, title: config.webChat.title, accentColor: config.webChat.accentColor, defaultLocale: config.defaultLocale }),
      },
    ],
  });

  let server: Server | undefined;
  return {
    config,
    logger,
    store,
    gateway,
    core,
    http,
    auth,
    liveKnowledge,
    handoffDesk,
    agentConsole,
    listen: () =>
      new Promise<Server>((resolve, reject) => {
        const started = http.listen(config.port, config.host, () => resolve(started));
        started.once('error', reject);
        streams.attach(started);
        agentConsole.attach(started);
        server = started;
      }),
    close: async () => {
      streams.close();
      await agentConsole.close();
      liveKnowledge.close();
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => closing.close(() => resolve()));
        closing.closeAllConnections?.();
      }
      await store.close();
    },
  };
}

/**
 * The store the configuration names: Redis with REDIS_URL, else SQLite in DATA_DIR. The server
 * and the command line (`hearline user`, `hearline kb`) open it the same way.
 */
export async function openStore(config: Config, logger: Logger): Promise<Store> {
  return config.redisUrl
    ? openRedisStore({
        url: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
        lockWaitMs: config.turnLockWaitMs,
        onError: (error) => logger.error({ err: error }, 'redis error'),
      })
    : openSqliteStore({ dataDir: config.dataDir, lockWaitMs: config.turnLockWaitMs, onError: (error) => logger.error({ err: error }, 'conversation log listener failed') });
}
