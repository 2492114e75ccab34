import { randomBytes } from 'node:crypto';
import { createClient } from 'redis';
import { UserStore } from '../src/auth/user-store';
import { openRedisStore } from '../src/storage/redis-store';
import { systemClock } from '../src/util/clock';
import { say, startChat, startServer, type ServerProcess } from './support/server-process';
import { signIn, staffHeaders } from './support/staff-session';

const REDIS_URL = 'redis://127.0.0.1:6379';
const PASSWORD = 'editor password 1';
const QUESTION = 'Are you open on weekends?';

/**
 * With REDIS_URL, a publish on one instance goes live on every instance without a restart:
 * two server processes on the real Redis, an editor signed in on one, the customer asking on
 * the other. Sessions and users are shared too.
 */
describe('publishing across instances on one Redis', () => {
  const prefix = `hl-test-${randomBytes(4).toString('hex')}:`;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    // The user is made the way `hearline user add` makes it, in the shared store.
    const store = await openRedisStore({ url: REDIS_URL, keyPrefix: prefix });
    try {
      await new UserStore({ documents: store.documents, clock: systemClock }).add({ name: 'edith', role: 'editor', password: PASSWORD });
    } finally {
      await store.close();
    }
    const env = { REDIS_URL, REDIS_KEY_PREFIX: prefix, DATA_DIR: '/nonexistent-not-used' };
    [a, b] = await Promise.all([startServer(env), startServer(env)]);
  });

  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    const client = createClient({ url: REDIS_URL });
    await client.connect();
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length > 0) await client.del(keys);
    }
    await client.quit();
  });

  it('publishes on one instance and the other answers with the new text within seconds', async () => {
    const session = await signIn(a.url, 'edith', PASSWORD);
    const headers = { ...staffHeaders(session), 'content-type': 'application/json' };

    // The session made on A is known to B.
    const onB = await fetch(`${b.url}/editor/api/articles/en-US/opening-hours`, { headers });
    expect(onB.status).toBe(200);
    const article = (await onB.json()) as { version: number; draft: Record<string, unknown> };

    const before = await startChat(b.url, { locale: 'en-US' });
    expect((await say(b.url, before, QUESTION)).join('\n')).not.toContain('Published on instance A');

    const published = await fetch(`${a.url}/editor/api/articles/en-US/opening-hours`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ baseVersion: article.version, draft: { ...article.draft, body: 'Published on instance A, answered by instance B.' }, comment: '' }),
    });
    expect(published.status).toBe(200);
    const publishedAt = Date.now();

    let answer = '';
    while (Date.now() - publishedAt < 10_000) {
      const session = await startChat(b.url, { locale: 'en-US' });
      answer = (await say(b.url, session, QUESTION)).join('\n');
      if (answer.includes('Published on instance A')) break;
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    expect(answer).toContain('Published on instance A, answered by instance B.');
    // Pub/sub, not the one-second poll nor a restart, brings it over: well within the poll interval plus a build.
    expect(Date.now() - publishedAt).toBeLessThan(3000);

    const statusB = (await (await fetch(`${b.url}/editor/api/status`, { headers })).json()) as { revision: number };
    const statusA = (await (await fetch(`${a.url}/editor/api/status`, { headers })).json()) as { revision: number };
    expect(statusB.revision).toBe(statusA.revision);
    expect(statusA.revision).toBeGreaterThan(0);
  });

  it('refuses on B a save from the version A already replaced (409)', async () => {
    const session = await signIn(b.url, 'edith', PASSWORD);
    const headers = { ...staffHeaders(session), 'content-type': 'application/json' };
    const article = (await (await fetch(`${b.url}/editor/api/articles/en-US/opening-hours`, { headers })).json()) as { version: number; draft: Record<string, unknown> };
    const res = await fetch(`${b.url}/editor/api/articles/en-US/opening-hours`, {
      method: 'PUT',
      headers,
      body: JSON.stringify({ baseVersion: article.version - 1, draft: article.draft, comment: '' }),
    });
    expect(res.status).toBe(409);
  });
});
