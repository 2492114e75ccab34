import type { Server } from 'node:http';
import type { Express } from 'express';
import type { BotGateway } from './core/activity';
import { BotCore } from './core/bot-core';
import type { Config } from './config';
import { RateLimiterMemory } from 'rate-limiter-flexible';
import { botFrameworkChannel } from './channels/bot-framework/bot-framework-channel';
import { directLineRouter, pageTokenRouter } from './channels/directline/directline-router';
import { DirectLineService } from './channels/directline/directline-service';
import { DirectLineStreamHub } from './channels/directline/directline-streams';
import { httpJsonChannel } from './channels/http-json/http-json-channel';
import { webChatRouter } from './channels/webchat/webchat-page';
import { createHttpApp } from './http/server';
import { PromptCatalog } from './i18n/prompt-catalog';
import { createLogger, type Logger } from './logging/logger';
import { ConversationTokens } from './security/conversation-tokens';
import { loadOrCreateSecrets } from './security/secrets';
import { RuleBasedClassifier, type ComplaintClassifier } from './services/complaints/classifier';
import { ComplaintService } from './services/complaints/complaint-service';
import { NoAgentsHandoffService, type HandoffService } from './services/handoff/handoff-service';
import { loadKnowledgeBase } from './services/knowledge/article-loader';
import type { KnowledgeService } from './services/knowledge/knowledge-service';
import { StarterKnowledgeService } from './services/knowledge/starter-matcher';
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
  knowledge?: KnowledgeService;
  handoff?: HandoffService;
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
  const store = deps.store ?? (config.redisUrl
    ? await openRedisStore({
        url: config.redisUrl,
        keyPrefix: config.redisKeyPrefix,
        lockWaitMs: config.turnLockWaitMs,
        onError: (error) => logger.error({ err: error }, 'redis error'),
      })
    : openSqliteStore({ dataDir: config.dataDir, lockWaitMs: config.turnLockWaitMs, onError: (error) => logger.error({ err: error }, 'conversation log listener failed') }));
  const prompts = PromptCatalog.load(`${findProjectRoot()}/prompts`);
  const knowledge = deps.knowledge ?? (await loadStarterKnowledge(config, logger));
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
      handoff: deps.handoff ?? new NoAgentsHandoffService(),
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
  const directLine = new DirectLineService({
    gateway,
    log: store.conversations,
    tokens,
    streamTokens,
    secret: config.directLineSecret ?? secrets.directLineSecret,
    clock,
    logger,
    messageLimiter: new RateLimiterMemory({ points: 10, duration: 1 }),
  });
  const streams = new DirectLineStreamHub({ log: store.conversations, streamTokens, clock, logger });
  // Anonymous /api/messages sends replies to whatever serviceUrl a caller names: allowed for the
  // Emulator in development, only with an app registration in production.
  const botFrameworkEnabled = config.botFramework.appId !== undefined || config.mode !== 'production';
  const http = createHttpApp({
    store,
    logger,
    routers: [
      ...(botFrameworkEnabled ? [{ path: '/api', router: botFrameworkChannel({ gateway, credentials: config.botFramework, logger }) }] : []),
      { path: '/api/chat', router: httpJsonChannel({ gateway, tokens }) },
      { path: '/v3/directline', router: directLineRouter({ service: directLine, attachments: new AttachmentService(store.documents), publicUrl: config.publicUrl }) },
      { path: '/api/directline', router: pageTokenRouter({ service: directLine, limiter: new RateLimiterMemory({ points: 30, duration: 60 }) }) },
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
    listen: () =>
      new Promise<Server>((resolve, reject) => {
        const started = http.listen(config.port, config.host, () => resolve(started));
        started.once('error', reject);
        streams.attach(started);
        server = started;
      }),
    close: async () => {
      streams.close();
      if (server) {
        const closing = server;
        await new Promise<void>((resolve) => closing.close(() => resolve()));
        closing.closeAllConnections?.();
      }
      await store.close();
    },
  };
}

async function loadStarterKnowledge(config: Config, logger: Logger): Promise<KnowledgeService> {
  const { articles, problems } = await loadKnowledgeBase(config.knowledgeDir);
  for (const problem of problems) logger.warn({ problem }, 'knowledge article left out');
  logger.info({ articles: articles.length }, 'knowledge base loaded');
  return new StarterKnowledgeService(articles);
}
