import path from 'node:path';
import { ConfigError, loadConfig } from './config';

describe('loadConfig', () => {
  it('has working defaults with an empty environment', () => {
    const config = loadConfig({}, '/srv/hearline');
    expect(config).toMatchObject({
      mode: 'development',
      port: 3978,
      host: '0.0.0.0',
      dataDir: '/srv/hearline/data',
      redisUrl: undefined,
      publicUrl: undefined,
      logLevel: 'info',
      defaultLocale: 'zh-CN',
      maxMessageChars: 4000,
      timeZone: 'Asia/Shanghai',
      directLineMessagesPerSecond: 10,
    });
    expect(path.basename(config.knowledgeDir)).toBe('knowledge');
  });

  it('reads every variable it documents', () => {
    const config = loadConfig(
      {
        NODE_ENV: 'production',
        PORT: '8080',
        DATA_DIR: 'var/hl',
        REDIS_URL: 'redis://127.0.0.1:6379',
        PUBLIC_URL: 'https://help.example.com/',
        LOG_LEVEL: 'warn',
        DEFAULT_LOCALE: 'en-US',
        MAX_MESSAGE_CHARS: '2000',
        TIME_ZONE: 'Europe/London',
        KNOWLEDGE_DIR: 'kb',
        DIRECTLINE_MESSAGES_PER_SECOND: '25',
      },
      '/srv',
    );
    expect(config).toMatchObject({
      mode: 'production',
      port: 8080,
      dataDir: '/srv/var/hl',
      redisUrl: 'redis://127.0.0.1:6379',
      publicUrl: 'https://help.example.com',
      logLevel: 'warn',
      defaultLocale: 'en-US',
      maxMessageChars: 2000,
      timeZone: 'Europe/London',
      knowledgeDir: '/srv/kb',
      directLineMessagesPerSecond: 25,
    });
  });

  it('refuses a message rate limit of 0', () => {
    expect(() => loadConfig({ DIRECTLINE_MESSAGES_PER_SECOND: '0' })).toThrow(/DIRECTLINE_MESSAGES_PER_SECOND/);
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ REDIS_URL: '', PORT: '' }).redisUrl).toBeUndefined();
  });

  it('lists every problem in one error', () => {
    let caught: unknown;
    try {
      loadConfig({ PORT: 'eighty', REDIS_URL: 'localhost:6379', LOG_LEVEL: 'loud', DEFAULT_LOCALE: 'fr-FR', TIME_ZONE: 'Mars/Olympus' });
    } catch (error) {
      caught = error;
    }
    expect(caught).toBeInstanceOf(ConfigError);
    const error = caught as ConfigError;
    expect(error.problems).toHaveLength(5);
    expect(error.message).toMatch(/^Invalid configuration \(5 problems\):/);
    for (const name of ['PORT', 'REDIS_URL', 'LOG_LEVEL', 'DEFAULT_LOCALE', 'TIME_ZONE']) {
      expect(error.message).toContain(`- ${name}:`);
    }
  });
});
