import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { describeStoreContract, listen } from '../../test/support/store-contract';
import { sampleComplaint } from '../../test/support/complaint-fixture';
import { openRedisStore, type RedisConnection, type RedisStore, type RedisStoreOptions } from './redis-store';
import { LockTimeoutError } from './store';

const REDIS_URL = 'redis://127.0.0.1:6379';
/** Unique per run, so parallel runs and leftovers never meet; removed in afterAll. */
const prefix = `hl-test-${randomUUID()}:`;

let raw: RedisConnection;

beforeAll(async () => {
  raw = createClient({ url: REDIS_URL });
  await raw.connect();
});

afterAll(async () => {
  for await (const keys of raw.scanIterator({ MATCH: `${prefix}*`, COUNT: 200 })) {
    if (keys.length > 0) await raw.del(keys);
  }
  await raw.close();
});

describeStoreContract('RedisStore', () => openRedisStore({ url: REDIS_URL, keyPrefix: prefix }));

const sample = sampleComplaint({ idempotencyKey: 'confirm-redis-1', userId: 'user-redis-1' });

describe('RedisStore specifics', () => {
  const stores: RedisStore[] = [];
  /** Each test gets its own sub-prefix, inside the run prefix that afterAll clears. */
  const open = async (options: Partial<RedisStoreOptions> & { keyPrefix: string }): Promise<RedisStore> => {
    const store = await openRedisStore({ url: REDIS_URL, ...options });
    stores.push(store);
    return store;
  };
  const testPrefix = (): string => `${prefix}${randomUUID().slice(0, 8)}:`;

  afterEach(async () => {
    await Promise.all(stores.splice(0).map((store) => store.close()));
  });

  it('keeps documents as a hash of JSON value and eTag under <prefix>doc:<key>', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix });
    expect(store.kind).toBe('redis');
    const eTags = await store.documents.write([{ key: 'conv/1', value: { n: 1 } }]);
    expect(await raw.hGetAll(`${keyPrefix}doc:conv/1`)).toEqual({ v: '{"n":1}', e: eTags.get('conv/1') });
  });

  it('keeps complaints, their idempotency keys and per-user index under the prefix', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix });
    await store.complaints.create(sample);
    expect(JSON.parse((await raw.get(`${keyPrefix}complaint:${sample.code}`)) ?? 'null')).toEqual(sample);
    expect(await raw.get(`${keyPrefix}complaint-key:${sample.idempotencyKey}`)).toBe(sample.code);
    expect(await raw.zScore(`${keyPrefix}user-complaints:${sample.userId}`, sample.code)).toBe(
      Date.parse(sample.createdAt),
    );
  });

  it('names the code when a stored complaint is corrupt', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix });
    await store.complaints.create(sample);
    await raw.set(`${keyPrefix}complaint:${sample.code}`, JSON.stringify({ ...sample, locale: 'fr-FR' }));
    await expect(store.complaints.findByCode(sample.code)).rejects.toThrow(
      `ComplaintRepository.findByCode: stored complaint ${sample.code} is corrupt`,
    );
    await raw.set(`${keyPrefix}complaint:${sample.code}`, '{not json');
    await expect(store.complaints.listByUser(sample.userId, 3)).rejects.toThrow(sample.code);
  });

  it('keeps two app instances out of each other’s critical sections, and all of them finish', async () => {
    const keyPrefix = testPrefix();
    const a = await open({ keyPrefix });
    const b = await open({ keyPrefix });
    const counterKey = `${keyPrefix}counter`;
    let active = 0;
    let maxActive = 0;
    let completed = 0;
    const section = async (): Promise<void> => {
      active += 1;
      maxActive = Math.max(maxActive, active);
      // Read-modify-write over the network: overlapping sections would lose increments.
      const seen = Number((await raw.get(counterKey)) ?? '0');
      await sleep(1);
      await raw.set(counterKey, String(seen + 1));
      active -= 1;
      completed += 1;
    };
    const runs: Promise<void>[] = [];
    for (let i = 0; i < 15; i += 1) {
      runs.push(a.locks.withLock('conv-shared', section), b.locks.withLock('conv-shared', section));
    }
    await Promise.all(runs);
    expect(maxActive).toBe(1);
    expect(completed).toBe(30);
    expect(await raw.get(counterKey)).toBe('30');
    expect(await raw.exists(`${keyPrefix}lock:conv-shared`)).toBe(0);
  });

  it('takes over a lock whose holder died once its TTL runs out', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix, lockWaitMs: 10_000 });
    // A crashed instance leaves its lock behind; only the TTL frees it.
    await raw.set(`${keyPrefix}lock:conv-9`, 'token-of-a-dead-process', { expiration: { type: 'PX', value: 300 } });
    let ran = 0;
    await store.locks.withLock('conv-9', async () => {
      ran += 1;
      expect(await raw.get(`${keyPrefix}lock:conv-9`)).not.toBe('token-of-a-dead-process');
    });
    expect(ran).toBe(1);
    expect(await raw.exists(`${keyPrefix}lock:conv-9`)).toBe(0);
  });

  it('gives up with LockTimeoutError while another instance holds the lock', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix, lockWaitMs: 100 });
    await raw.set(`${keyPrefix}lock:conv-7`, 'someone-else', { expiration: { type: 'PX', value: 60_000 } });
    let ran = false;
    const attempt = store.locks.withLock('conv-7', async () => {
      ran = true;
    });
    await expect(attempt).rejects.toBeInstanceOf(LockTimeoutError);
    await expect(attempt).rejects.toMatchObject({ key: 'conv-7' });
    expect(ran).toBe(false);
    expect(await raw.get(`${keyPrefix}lock:conv-7`)).toBe('someone-else');
  });

  it('renews the lock while a long turn runs', async () => {
    const keyPrefix = testPrefix();
    const errors: Error[] = [];
    const store = await open({ keyPrefix, lockTtlMs: 600, onError: (error) => errors.push(error) });
    const lockKey = `${keyPrefix}lock:slow`;
    let token: string | null = null;
    await store.locks.withLock('slow', async () => {
      token = await raw.get(lockKey);
      // More than three TTLs: without renewal the lock would be gone by now.
      await sleep(2_000);
      expect(await raw.get(lockKey)).toBe(token);
      expect(await raw.pTTL(lockKey)).toBeGreaterThan(0);
    });
    expect(token).not.toBeNull();
    expect(await raw.exists(lockKey)).toBe(0);
    expect(errors).toEqual([]);
  });

  it('never deletes a lock that meanwhile belongs to someone else', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix, onError: () => undefined });
    const lockKey = `${keyPrefix}lock:conv-3`;
    await store.locks.withLock('conv-3', async () => {
      // As if our lock had expired and another instance had taken it.
      await raw.set(lockKey, 'new-owner', { expiration: { type: 'PX', value: 60_000 } });
    });
    expect(await raw.get(lockKey)).toBe('new-owner');
  });

  it('rejects quickly and clearly when Redis is unreachable', async () => {
    const started = Date.now();
    await expect(openRedisStore({ url: 'redis://127.0.0.1:6390', keyPrefix: testPrefix() })).rejects.toThrow(
      'openRedisStore: cannot reach Redis at redis://127.0.0.1:6390',
    );
    expect(Date.now() - started).toBeLessThan(5_000);
  }, 10_000);

  it('does not print the password of an unreachable URL', async () => {
    const attempt = openRedisStore({ url: 'redis://:s3cret@127.0.0.1:6390', keyPrefix: testPrefix() });
    await expect(attempt).rejects.toThrow(/cannot reach Redis/);
    await expect(attempt).rejects.not.toThrow(/s3cret/);
  });

  it('rejects a URL that is not a Redis URL', async () => {
    await expect(openRedisStore({ url: 'http://127.0.0.1:6379', keyPrefix: testPrefix() })).rejects.toThrow(
      /invalid Redis URL/,
    );
  });

  it('hands out independent connected clients for pub/sub', async () => {
    const store = await open({ keyPrefix: testPrefix() });
    const subscriber = await store.duplicateClient();
    try {
      let resolveMessage: (message: string) => void = () => undefined;
      const received = new Promise<string>((resolve) => (resolveMessage = resolve));
      // subscribe() resolves once Redis confirmed the subscription, so one publish suffices.
      await subscriber.subscribe(`${prefix}channel`, (message) => resolveMessage(message));
      expect(await raw.publish(`${prefix}channel`, 'hello')).toBe(1);
      expect(await received).toBe('hello');
      await store.close();
      expect(subscriber.isReady).toBe(true);
    } finally {
      await subscriber.close();
    }
  });

  /** Subscribers of a channel as Redis counts them. */
  const subscribersOf = async (channel: string): Promise<number> => Number((await raw.pubSubNumSub(channel))[channel] ?? 0);

  /**
   * Waits until Redis reports `count` subscribers. The server drops a closed connection's
   * subscription on its own schedule, so this waits (bounded) instead of asserting at once.
   */
  const untilSubscribers = async (channel: string, count: number, timeoutMs = 5_000): Promise<void> => {
    const deadline = performance.now() + timeoutMs;
    let seen = await subscribersOf(channel);
    while (seen !== count) {
      if (performance.now() > deadline) throw new Error(`${channel} has ${seen} subscribers, expected ${count}`);
      await sleep(10);
      seen = await subscribersOf(channel);
    }
  };

  it('keeps a conversation as JSON and its log as a list under the prefix', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix });
    const record = { conversationId: 'dl-1', userId: 'user-1', createdAt: '2025-03-01T08:00:00.000Z' };
    await store.conversations.create(record);
    await store.conversations.append('dl-1', { text: 'one' });
    await store.conversations.append('dl-1', { text: 'two' });
    await store.conversations.signal('dl-1', { type: 'typing' });
    expect(JSON.parse((await raw.get(`${keyPrefix}conversation:dl-1`)) ?? 'null')).toEqual(record);
    expect(await raw.lRange(`${keyPrefix}conversation-log:dl-1`, 0, -1)).toEqual(['{"text":"one"}', '{"text":"two"}']);
  });

  it('tells a subscriber on another instance about an append, which it can then read', async () => {
    const keyPrefix = testPrefix();
    const a = await open({ keyPrefix });
    const b = await open({ keyPrefix });
    await a.conversations.create({ conversationId: 'dl-2', userId: 'user-2', createdAt: '2025-03-01T08:00:00.000Z' });
    const onB = listen(b, ['dl-2']);
    expect(await a.conversations.append('dl-2', { type: 'message', text: 'reply from A' })).toBe(1);
    expect(await a.conversations.append('dl-2', { type: 'message', text: 'second' })).toBe(2);
    expect(await onB.waitFor(2)).toEqual([
      { kind: 'appended', conversationId: 'dl-2', watermark: 1, activity: { type: 'message', text: 'reply from A' } },
      { kind: 'appended', conversationId: 'dl-2', watermark: 2, activity: { type: 'message', text: 'second' } },
    ]);
    expect(await b.conversations.read('dl-2', 1)).toEqual([{ watermark: 2, activity: { type: 'message', text: 'second' } }]);
  });

  it('sends the stored JSON along with an append event untouched: empty lists, quotes and escapes survive', async () => {
    const keyPrefix = testPrefix();
    const a = await open({ keyPrefix });
    const b = await open({ keyPrefix });
    await a.conversations.create({ conversationId: 'dl-6', userId: 'user-6', createdAt: '2025-03-01T08:00:00.000Z' });
    const onB = listen(b, ['dl-6']);
    const activity = { type: 'message', text: '退款 "quoted" \\ a/b \u2028', attachments: [], channelData: {}, n: 1.5 };
    await a.conversations.append('dl-6', activity);
    expect(await onB.waitFor(1)).toEqual([{ kind: 'appended', conversationId: 'dl-6', watermark: 1, activity }]);
  });

  it('tells a subscriber on another instance about a signal', async () => {
    const keyPrefix = testPrefix();
    const a = await open({ keyPrefix });
    const b = await open({ keyPrefix });
    await b.conversations.create({ conversationId: 'dl-3', userId: 'user-3', createdAt: '2025-03-01T08:00:00.000Z' });
    const onA = listen(a, ['dl-3']);
    await b.conversations.signal('dl-3', { type: 'typing', from: { id: 'bot' } });
    expect(await onA.waitFor(1)).toEqual([{ kind: 'signal', conversationId: 'dl-3', payload: { type: 'typing', from: { id: 'bot' } } }]);
    expect(await a.conversations.read('dl-3', 0)).toEqual([]);
  });

  it('keeps instances with another prefix out of the conversation', async () => {
    const mine = await open({ keyPrefix: testPrefix() });
    const other = await open({ keyPrefix: testPrefix() });
    await other.conversations.create({ conversationId: 'dl-4', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    await mine.conversations.create({ conversationId: 'dl-4', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    const heardByOther = listen(other, ['dl-4']);
    const heardByMine = listen(mine, ['dl-4']);
    await mine.conversations.append('dl-4', 'mine');
    await other.conversations.append('dl-4', 'other');
    // Published last: a subscriber hears messages in publish order, so a stray event from
    // the other prefix would arrive before these fences.
    await mine.conversations.signal('dl-4', 'fence');
    await other.conversations.signal('dl-4', 'fence');
    const own = (activity: string) => [
      { kind: 'appended', conversationId: 'dl-4', watermark: 1, activity },
      { kind: 'signal', conversationId: 'dl-4', payload: 'fence' },
    ];
    expect(await heardByMine.waitFor(2)).toEqual(own('mine'));
    expect(await heardByOther.waitFor(2)).toEqual(own('other'));
    expect(await mine.conversations.read('dl-4', 0)).toEqual([{ watermark: 1, activity: 'mine' }]);
  });

  it('reports and ignores malformed messages on the events channel', async () => {
    const keyPrefix = testPrefix();
    const errors: Error[] = [];
    const store = await open({ keyPrefix, onError: (error) => errors.push(error) });
    const heard = listen(store, ['dl-5']);
    const channel = `${keyPrefix}conversation-events`;
    await raw.publish(channel, '{not json');
    await raw.publish(channel, JSON.stringify({ kind: 'appended', conversationId: 'dl-5' }));
    await raw.publish(channel, JSON.stringify({ kind: 'signal', conversationId: 'dl-5', payload: 'ok' }));
    // Messages arrive in publish order: once the valid one is heard, the others were handled.
    expect(await heard.waitFor(1)).toEqual([{ kind: 'signal', conversationId: 'dl-5', payload: 'ok' }]);
    expect(errors.map((error) => error.message)).toEqual([
      `ConversationLog.subscribe: ignored a malformed message on ${channel}`,
      `ConversationLog.subscribe: ignored a malformed message on ${channel}`,
    ]);
  });

  it('reports a listener that throws and still tells the others', async () => {
    const keyPrefix = testPrefix();
    const errors: Error[] = [];
    const store = await open({ keyPrefix, onError: (error) => errors.push(error) });
    await store.conversations.create({ conversationId: 'dl-6', userId: 'u', createdAt: '2025-03-01T08:00:00.000Z' });
    const failure = new Error('socket handler failed');
    store.conversations.subscribe(() => {
      throw failure;
    });
    const heard = listen(store, ['dl-6']);
    expect(await store.conversations.append('dl-6', 'x')).toBe(1);
    await heard.waitFor(1);
    expect(errors).toHaveLength(1);
    expect(errors[0]?.message).toBe('ConversationLog.subscribe: a listener threw on appended of dl-6');
    expect(errors[0]?.cause).toBe(failure);
  });

  it('names the conversation when its stored record is corrupt', async () => {
    const keyPrefix = testPrefix();
    const store = await open({ keyPrefix });
    await raw.set(`${keyPrefix}conversation:dl-7`, JSON.stringify({ conversationId: 'dl-7', userId: 'u' }));
    await expect(store.conversations.get('dl-7')).rejects.toThrow('ConversationLog.get: stored conversation dl-7 is corrupt');
    await raw.rPush(`${keyPrefix}conversation-log:dl-7`, '{oops');
    await expect(store.conversations.read('dl-7', 0)).rejects.toThrow('stored activity 1 of conversation dl-7');
  });

  it('subscribes once per instance when it opens and unsubscribes when it closes', async () => {
    const keyPrefix = testPrefix();
    const channel = `${keyPrefix}conversation-events`;
    const a = await open({ keyPrefix });
    // Subscribed before open() resolved: no waiting needed for the count.
    expect(await subscribersOf(channel)).toBe(1);
    const b = await open({ keyPrefix });
    expect(await subscribersOf(channel)).toBe(2);
    a.conversations.subscribe(() => undefined);
    a.conversations.subscribe(() => undefined);
    expect(await subscribersOf(channel)).toBe(2);
    await a.close();
    await untilSubscribers(channel, 1);
    await b.close();
    await untilSubscribers(channel, 0);
  });

  it('answers ping and closes twice without error', async () => {
    const store = await open({ keyPrefix: testPrefix() });
    await expect(store.ping()).resolves.toBeUndefined();
    await store.close();
    await expect(store.close()).resolves.toBeUndefined();
    await expect(store.ping()).rejects.toThrow();
  });
});
