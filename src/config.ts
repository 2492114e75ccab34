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
  publicUrl: string;
  logLevel: (typeof LOG_LEVELS)[number];
  defaultLocale: z.infer<typeof localeSchema>;
  maxMessageChars: number;
  turnLockWaitMs: number;
  knowledgeDir: string;
  /** Zone in which deadlines are shown to customers. */
  timeZone: string;
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
    publicUrl: (e.PUBLIC_URL ?? `http://localhost:${port}`).replace(/\/+$/, ''),
    logLevel: e.LOG_LEVEL ?? 'info',
    defaultLocale: e.DEFAULT_LOCALE ?? 'zh-CN',
    maxMessageChars: e.MAX_MESSAGE_CHARS ?? 4000,
    turnLockWaitMs: e.TURN_LOCK_WAIT_MS ?? 15000,
    knowledgeDir: e.KNOWLEDGE_DIR ? path.resolve(cwd, e.KNOWLEDGE_DIR) : path.join(findProjectRoot(), 'knowledge'),
    timeZone: e.TIME_ZONE ?? 'Asia/Shanghai',
  };
}
