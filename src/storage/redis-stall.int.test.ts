import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { setTimeout as sleep } from 'node:timers/promises';
import { createClient } from 'redis';
import { openRedisStore, type RedisStore } from './redis-store';

/**
 * A Redis server of this test's own, stopped with SIGSTOP: a server that stays connected but
 * answers nothing (a stall), which the shared server on 6379 must never be put through.
 */
async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const address = server.address();
  server.close();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

async function untilAnswering(url: string): Promise<void> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const client = createClient({ url, socket: { reconnectStrategy: false } });
    client.on('error', () => undefined);
    try {
      await client.connect();
      await client.ping();
      client.destroy();
      return;
    } catch {
      client.destroy();
      await sleep(50);
    }
  }
  throw new Error(`redis-server at ${url} did not start`);
}

describe('RedisStore with a stalled server', () => {
  let server: ChildProcess;
  let store: RedisStore;

  beforeAll(async () => {
    const port = await freePort();
    server = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const url = `redis://127.0.0.1:${port}`;
    await untilAnswering(url);
    store = await openRedisStore({ url, keyPrefix: 'stall:', pingTimeoutMs: 300 });
  });

  afterAll(async () => {
    server.kill('SIGCONT');
    await store.close();
    server.kill('SIGKILL');
  });

  it('fails the readiness ping after pingTimeoutMs, while ordinary commands wait for the server instead of failing', async () => {
    await expect(store.ping()).resolves.toBeUndefined();
    await store.documents.write([{ key: 'doc', value: { n: 1 }, expectedETag: '' }]);

    server.kill('SIGSTOP');
    let settled = false;
    const read = store.documents.read(['doc']).finally(() => {
      settled = true;
    });
    await expect(store.ping()).rejects.toThrow(/timeout/i);
    expect(settled).toBe(false);
    server.kill('SIGCONT');

    const found = await read;
    expect(found.get('doc')?.value).toEqual({ n: 1 });
    await expect(store.ping()).resolves.toBeUndefined();
  });
});
