import type { Server } from 'node:http';
import type { Express } from 'express';
import { BotCore } from './core/bot-core';
import type { Config } from './config';
import { httpJsonChannel } from './channels/http-json/http-json-channel';
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
}

/** A wired Hearline: the bot core, its store and the HTTP application. */
export interface HearlineApp {
  readonly config: Config;
  readonly logger: Logger;
  readonly store: Store;
  readonly gateway: BotCore;
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
    : openSqliteStore({ dataDir: config.dataDir, lockWaitMs: config.turnLockWaitMs }));
  const prompts = PromptCatalog.load(`${findProjectRoot()}/prompts`);
  const knowledge = deps.knowledge ?? (await loadStarterKnowledge(config, logger));
  const complaints = new ComplaintService({
    repository: store.complaints,
    classifier: deps.classifier ?? new RuleBasedClassifier(),
    clock,
    random,
  });
  const gateway = new BotCore({
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
  const secrets = await loadOrCreateSecrets(store.documents);
  const tokens = new ConversationTokens(secrets.tokenSigningKey, clock);
  const http = createHttpApp({ store, logger, routers: [{ path: '/api/chat', router: httpJsonChannel({ gateway, tokens }) }] });

  let server: Server | undefined;
  return {
    config,
    logger,
    store,
    gateway,
    http,
    listen: () =>
      new Promise<Server>((resolve, reject) => {
        const started = http.listen(config.port, config.host, () => resolve(started));
        started.once('error', reject);
        server = started;
      }),
    close: async () => {
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
