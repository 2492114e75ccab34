import path from 'node:path';
import { z } from 'zod';
import { localeSchema } from './domain/complaint';
import { findProjectRoot } from './util/project-root';

const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

/** Empty strings in the environment mean "not set", as in most .env tooling. */
const optional = <T extends z.ZodTypeAny>(schema: T) =>
  z.preprocess((value) => (value === '' ? undefined : value), schema.optional());

const envSchema = z.object({
  NODE_ENV: optional(z.enum(['development', 'production', 'test'])),
  PORT: optional(z.coerce.number().int().min(0).max(65535)),
  HOST: optional(z.string().min(1)),
  DATA_DIR: optional(z.string().min(1)),
  REDIS_URL: optional(z.string().regex(/^rediss?:\/\/.+/, 'must start with redis:// or rediss://')),
  REDIS_KEY_PREFIX: optional(z.string().regex(/^[\w:.-]{1,40}$/, 'letters, digits and _ : . - only, at most 40')),
  PUBLIC_URL: optional(z.string().url()),
  LOG_LEVEL: optional(z.enum(LOG_LEVELS)),
  DEFAULT_LOCALE: optional(localeSchema),
  MAX_MESSAGE_CHARS: optional(z.coerce.number().int().min(100).max(100000)),
  TURN_LOCK_WAIT_MS: optional(z.coerce.number().int().min(100).max(120000)),
  KNOWLEDGE_DIR: optional(z.string().min(1)),
  HANDOFF_HOURS: optional(z.string().regex(/^\d\d:\d\d-\d\d:\d\d$/, 'must be opening hours such as 09:00-21:00')),
  HANDOFF_MAX_WAIT_MINUTES: optional(z.coerce.number().int().min(1).max(240)),
  HANDOFF_AVERAGE_HANDLE_MINUTES: optional(z.coerce.number().min(0.5).max(120)),
  HANDOFF_ABANDON_SECONDS: optional(z.coerce.number().int().min(30).max(3600)),
  HANDOFF_SWEEP_SECONDS: optional(z.coerce.number().int().min(1).max(300)),
  HANDOFF_AGENT_GRACE_SECONDS: optional(z.coerce.number().int().min(0).max(3600)),
  HANDOFF_COMPANY_SECONDS: optional(z.coerce.number().int().min(15).max(3600)),
  ESCALATION_ANGER_INTENSITY: optional(z.coerce.number().min(0).max(1)),
  ESCALATION_TREND_INTENSITY: optional(z.coerce.number().min(0).max(1)),
  ESCALATION_FAILED_ANSWERS: optional(z.coerce.number().int().min(1).max(10)),
  KNOWLEDGE_ANSWER_THRESHOLD: optional(z.coerce.number().min(0).max(1)),
  KNOWLEDGE_CLARIFY_MARGIN: optional(z.coerce.number().min(0).max(1)),
  MICROSOFT_APP_ID: optional(z.string().min(1).max(100)),
  MICROSOFT_APP_PASSWORD: optional(z.string().min(1).max(200)),
  MICROSOFT_APP_TENANT_ID: optional(z.string().min(1).max(100)),
  DIRECTLINE_SECRET: optional(z.string().min(32, 'must be at least 32 characters')),
  DIRECTLINE_MESSAGES_PER_SECOND: optional(z.coerce.number().int().min(1).max(100000)),
  WEBCHAT_TITLE: optional(z.string().min(1).max(60)),
  WEBCHAT_ACCENT_COLOR: optional(z.string().regex(/^#[0-9a-fA-F]{6}$/, 'must be a colour such as #0063B1')),
  SESSION_IDLE_MINUTES: optional(z.coerce.number().int().min(1).max(24 * 60)),
  SESSION_MAX_HOURS: optional(z.coerce.number().int().min(1).max(24 * 30)),
  TIME_ZONE: optional(z.string().refine(isTimeZone, 'must be an IANA time zone such as Asia/Shanghai')),
});

function isTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/** Hearline's settings, parsed once at start-up. Nothing else reads process.env. */
export interface Config {
  mode: 'development' | 'production' | 'test';
  port: number;
  host: string;
  dataDir: string;
  redisUrl: string | undefined;
  /** Prefix of every Redis key, so several deployments (or test runs) can share one Redis. */
  redisKeyPrefix: string;
  /** The address customers reach; when unset, taken from each request's Host header. */
  publicUrl: string | undefined;
  logLevel: (typeof LOG_LEVELS)[number];
  defaultLocale: z.infer<typeof localeSchema>;
  maxMessageChars: number;
  turnLockWaitMs: number;
  knowledgeDir: string;
  /**
   * Decision thresholds of the knowledge engine on its calibrated confidence (0..1); unset
   * means the engine's tuned defaults. Below answerThreshold: "no answer"; top two within
   * clarifyMargin of each other: ask the customer to choose.
   */
  knowledgeThresholds: { answerThreshold?: number; clarifyMargin?: number };
  /**
   * The human desk: agents' opening hours in timeZone (undefined: around the clock), the longest
   * wait offered to a customer, and the average minutes per conversation for wait estimates;
   * a queued web-chat customer with no open socket and no message for abandonAfterSeconds has
   * left (checked every sweepSeconds). An agent with no console open anywhere keeps their
   * conversations agentGraceSeconds before they go back to the queue (a reload or a dropped
   * connection costs the customer nothing). A waiting customer who has heard nothing for
   * companySeconds is told their place and expected wait again.
   */
  handoff: {
    hours: { open: string; close: string } | undefined;
    maxWaitMinutes: number;
    averageHandleMinutes: number;
    abandonAfterSeconds: number;
    sweepSeconds: number;
    agentGraceSeconds: number;
    companySeconds: number;
  };
  /** Escalation thresholds; unset means the policy's defaults (see src/services/escalation). */
  escalation: { angerIntensity?: number; trendIntensity?: number; failedAnswers?: number };
  /** Zone in which deadlines are shown to customers. */
  timeZone: string;
  /** Azure Bot Service registration for /api/messages; all unset means anonymous (Emulator). */
  botFramework: { appId: string | undefined; appPassword: string | undefined; tenantId: string | undefined };
  /** Direct Line secret for site back ends; generated once and kept in the store when unset. */
  directLineSecret: string | undefined;
  /** Messages one Direct Line conversation may post per second (all instances together); more get 429. */
  directLineMessagesPerSecond: number;
  /** Name and accent colour of the web chat on the demo page and the embed bubble. */
  webChat: { title: string; accentColor: string };
  /**
   * Sign-in sessions of editors and agents: ended after `idleMinutes` without a request, and
   * after `maxHours` in any case.
   */
  sessions: { idleMinutes: number; maxHours: number };
}

/** Start-up failed because the environment is invalid; the message lists every problem. */
export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((problem) => `  - ${problem}`).join('\n'));
    this.name = 'ConfigError';
  }
}

/**
 * Parses the environment into a Config. Relative paths resolve against `cwd`, so the same
 * `.env` works from any start directory. Throws ConfigError listing every invalid variable.
 */
export function loadConfig(env: NodeJS.ProcessEnv, cwd: string = process.cwd()): Config {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => `${issue.path.join('.') || '(environment)'}: ${issue.message}`),
    );
  }
  const e = parsed.data;
  const port = e.PORT ?? 3978;
  return {
    mode: e.NODE_ENV ?? 'development',
    port,
    host: e.HOST ?? '0.0.0.0',
    dataDir: path.resolve(cwd, e.DATA_DIR ?? './data'),
    redisUrl: e.REDIS_URL,
    redisKeyPrefix: e.REDIS_KEY_PREFIX ?? 'hl:',
    publicUrl: e.PUBLIC_URL?.replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL ?? 'info',
    defaultLocale: e.DEFAULT_LOCALE ?? 'zh-CN',
    maxMessageChars: e.MAX_MESSAGE_CHARS ?? 4000,
    turnLockWaitMs: e.TURN_LOCK_WAIT_MS ?? 15000,
    knowledgeDir: e.KNOWLEDGE_DIR ? path.resolve(cwd, e.KNOWLEDGE_DIR) : path.join(findProjectRoot(), 'knowledge'),
    handoff: {
      hours: e.HANDOFF_HOURS === undefined ? undefined : { open: e.HANDOFF_HOURS.slice(0, 5), close: e.HANDOFF_HOURS.slice(6) },
      maxWaitMinutes: e.HANDOFF_MAX_WAIT_MINUTES ?? 15,
      averageHandleMinutes: e.HANDOFF_AVERAGE_HANDLE_MINUTES ?? 6,
      abandonAfterSeconds: e.HANDOFF_ABANDON_SECONDS ?? 120,
      sweepSeconds: e.HANDOFF_SWEEP_SECONDS ?? 15,
      agentGraceSeconds: e.HANDOFF_AGENT_GRACE_SECONDS ?? 60,
      companySeconds: e.HANDOFF_COMPANY_SECONDS ?? 90,
    },
    escalation: {
      ...(e.ESCALATION_ANGER_INTENSITY === undefined ? {} : { angerIntensity: e.ESCALATION_ANGER_INTENSITY }),
      ...(e.ESCALATION_TREND_INTENSITY === undefined ? {} : { trendIntensity: e.ESCALATION_TREND_INTENSITY }),
      ...(e.ESCALATION_FAILED_ANSWERS === undefined ? {} : { failedAnswers: e.ESCALATION_FAILED_ANSWERS }),
    },
    knowledgeThresholds: {
      ...(e.KNOWLEDGE_ANSWER_THRESHOLD === undefined ? {} : { answerThreshold: e.KNOWLEDGE_ANSWER_THRESHOLD }),
      ...(e.KNOWLEDGE_CLARIFY_MARGIN === undefined ? {} : { clarifyMargin: e.KNOWLEDGE_CLARIFY_MARGIN }),
    },
    timeZone: e.TIME_ZONE ?? 'Asia/Shanghai',
    botFramework: { appId: e.MICROSOFT_APP_ID, appPassword: e.MICROSOFT_APP_PASSWORD, tenantId: e.MICROSOFT_APP_TENANT_ID },
    directLineSecret: e.DIRECTLINE_SECRET,
    directLineMessagesPerSecond: e.DIRECTLINE_MESSAGES_PER_SECOND ?? 10,
    webChat: { title: e.WEBCHAT_TITLE ?? 'Hearline', accentColor: e.WEBCHAT_ACCENT_COLOR ?? '#0063B1' },
    sessions: { idleMinutes: e.SESSION_IDLE_MINUTES ?? 60, maxHours: e.SESSION_MAX_HOURS ?? 12 },
  };
}

/** The configuration of this process: the one place that reads process.env. */
export function loadProcessConfig(): Config {
  return loadConfig(process.env);
}
