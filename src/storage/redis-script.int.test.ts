import { randomUUID } from 'node:crypto';
import { createClient } from 'redis';
import type { RedisConnection } from './redis-store';
import { RedisScript } from './redis-script';

const REDIS_URL = 'redis://127.0.0.1:6379';

describe('RedisScript (real Redis)', () => {
  let client: RedisConnection;

  beforeAll(async () => {
    client = createClient({ url: REDIS_URL });
    await client.connect();
  });

  afterAll(async () => {
    await client.close();
  });

  const known = async (script: RedisScript): Promise<boolean> => {
    const [exists] = (await client.sendCommand(['SCRIPT', 'EXISTS', script.sha1])) as number[];
    return exists === 1;
  };

  it('loads an unknown script with EVAL, then runs it by its digest', async () => {
    // A comment unique to this run: Redis cannot know the script yet.
    const script = new RedisScript(`-- ${randomUUID()}\nreturn {KEYS[1], ARGV[1]}`);
    expect(await known(script)).toBe(false);
    expect(await script.run(client, { keys: ['k'], arguments: ['a'] })).toEqual(['k', 'a']);
    expect(await known(script)).toBe(true);
    const before = await evalShaCalls();
    expect(await script.run(client, { keys: ['k2'], arguments: ['b'] })).toEqual(['k2', 'b']);
    expect(await evalShaCalls()).toBeGreaterThan(before);
  });

  it('passes on errors other than NOSCRIPT', async () => {
    const script = new RedisScript(`-- ${randomUUID()}\nreturn redis.error_reply('hearline test failure')`);
    await expect(script.run(client, {})).rejects.toThrow('hearline test failure');
  });

  /** Successful EVALSHA calls the server has counted so far. */
  async function evalShaCalls(): Promise<number> {
    const info = await client.info('commandstats');
    const match = /cmdstat_evalsha:calls=(\d+)/.exec(info);
    return Number(match?.[1] ?? 0);
  }
});
